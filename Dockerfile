# syntax=docker/dockerfile:1
#
# The month 5b model server (`serve`) as a small, CPU-only image.
#
#   docker build -t ai-roadmap-serve .
#   docker run --rm -p 8000:8000 ai-roadmap-serve      # then: curl localhost:8000/healthz
#
# Three stages, so the image ships neither uv nor the workspace's build inputs:
#   requirements: turn uv.lock into pinned requirement lists (cheap; reruns on any source edit)
#   builder:      install those lists into /opt/venv, then the workspace members as wheels
#   runtime:      python slim + /opt/venv, a non-root user, a health check
#
# Why not simply `uv sync --locked`: the lock is universal and, on Linux, resolves `torch` to the
# PyPI build, which pulls ~3 GB of CUDA wheels (nvidia-*, cuda-*, triton) that a CPU container
# never uses. So the builder installs every *other* locked pin exactly as `uv export` writes it,
# and torch/torchvision at the *same locked versions* from PyTorch's CPU index. Same versions,
# same Python code; only the native backend differs.

# The two Python stages must share one base image: the venv's `python` is a symlink to the base
# image's interpreter (/usr/local/bin/python3.12), so it only works where that path is the same.
# Pinned by tag; bump both lines together (a test checks they match).
FROM ghcr.io/astral-sh/uv:0.13.9 AS uv

FROM python:3.12-slim-trixie AS requirements
COPY --from=uv /uv /usr/local/bin/uv
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /src
# `uv export --locked` checks uv.lock against every member's pyproject.toml, so it needs them all.
COPY pyproject.toml uv.lock README.md ./
COPY packages/ packages/
# - third-party.txt: every locked pin of m5-agents-mlops's closure, minus torch, torchvision and
#   the CUDA runtime that only the PyPI torch wheel needs (nothing else in the lock depends on
#   triton, nvidia-* or cuda-*: they reach the closure through torch alone);
# - torch.txt: torch and torchvision at their locked versions, markers dropped;
# - members.txt: the workspace members m5 needs (./packages/...), derived, never listed by hand.
# This stage reruns on every source edit, but it only writes text files: the builder's heavy
# install layer below is cached on their *content*, which changes only when uv.lock does.
RUN mkdir /requirements \
    && uv export --locked --package m5-agents-mlops --no-dev --no-hashes --no-header \
        --no-annotate --no-editable --output-file /tmp/all.txt \
    && grep -Ev '^(\./|torch==|torchvision==|triton==|nvidia-[a-z0-9-]+==|cuda-[a-z0-9-]+==)' \
        /tmp/all.txt > /requirements/third-party.txt \
    && grep -E '^(torch|torchvision)==' /tmp/all.txt | cut -d ';' -f 1 \
        > /requirements/torch.txt \
    && grep -E '^\./packages/' /tmp/all.txt > /requirements/members.txt \
    && test "$(wc -l < /requirements/torch.txt)" -eq 2 \
    && test -s /requirements/members.txt

FROM python:3.12-slim-trixie AS builder
COPY --from=uv /uv /usr/local/bin/uv
# Compile .pyc at install time (the first `import torch` would otherwise take ~15 s and fail to
# cache them as the non-root user); copy instead of hard-linking from the cache mount; never
# download a Python: the venv must use the base image's interpreter.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    VIRTUAL_ENV=/opt/venv
WORKDIR /src
RUN uv venv --python /usr/local/bin/python3.12 /opt/venv
COPY --from=requirements /requirements/third-party.txt /requirements/torch.txt /requirements/
# --no-deps everywhere: the export is already the complete, locked closure, so no resolver runs
# and nothing unlocked can sneak in. torch.txt's `torch==X` matches the CPU index's `X+cpu`
# (PEP 440 ignores a local label that the specifier does not name); that index replaces PyPI for
# this one command only, so every other package still comes from where the lock says.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv pip install --no-deps --requirement /requirements/third-party.txt \
    && uv pip install --no-deps --index-url https://download.pytorch.org/whl/cpu \
        --requirement /requirements/torch.txt
# The members last (they change most often) and as wheels, not editable: the venv then holds
# their code and data files, so the runtime stage needs /opt/venv and nothing else.
COPY --from=requirements /requirements/members.txt /requirements/
COPY packages/ packages/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv pip install --no-deps --requirement /requirements/members.txt \
    && /opt/venv/bin/python -c "import torch; assert torch.version.cuda is None, 'CUDA torch'"

FROM python:3.12-slim-trixie AS runtime
LABEL org.opencontainers.image.title="ai-roadmap serve" \
      org.opencontainers.image.description="Month 5b: the roadmap's models behind FastAPI, CPU-only"
# libgomp1: LightGBM's wheel links the system OpenMP runtime instead of bundling one (the other
# native wheels bring their own libraries; slim has zlib and libstdc++). Unpinned on purpose,
# see .hadolint.yaml (DL3008). A fixed uid so a mounted volume's ownership is predictable.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app \
    && mkdir -p /app/data \
    && chown app:app /app/data
COPY --from=builder /opt/venv /opt/venv
# PYTHONUNBUFFERED: log lines reach `docker logs` as they are written, not when a buffer fills.
# AI_ROADMAP_DATA: installed (not in a clone), the data directory must be named explicitly.
ENV PATH=/opt/venv/bin:$PATH \
    VIRTUAL_ENV=/opt/venv \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    AI_ROADMAP_DATA=/app/data \
    HF_HOME=/app/data/huggingface
# Fail the build, not the first request, if a native library is missing from this stage.
RUN python -c "import lightgbm, xgboost, sklearn, torch, torchvision, xllamacpp, m5_agents_mlops" \
    && serve --help > /dev/null
WORKDIR /app
# Numeric, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000
# slim images have no curl: Python's urllib raises (exit 1) on a refused connection or a non-2xx.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# Exec form: `serve` is PID 1 and gets SIGTERM from `docker stop`, so uvicorn shuts down cleanly.
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]

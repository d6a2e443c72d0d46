# The image the Autonomous Engineer's Docker backend runs commands in
# (m6_advanced.engineer.sandbox.DockerBackend). Build it from the repository root:
#
#   docker build -t engineer-sandbox -f packages/m6_advanced/docker/engineer-sandbox.Dockerfile .
#
# The backend starts it with --network=none --read-only --cap-drop=ALL, the working copy
# mounted at /work and a scratch folder at /scratch (HOME and TMPDIR). Inside, `python` must
# run the repository's tests *and* the engineer's own file tools (read_file and edit run as
# `python -P -m m6_advanced.engineer.file_tools`), so the image holds month 6's environment
# from the committed lock (large: PyTorch comes with month 4). Add a project's own
# dependencies in an image built FROM this one.
FROM python:3.12-slim

RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
COPY packages ./packages
# m6-advanced with its dev group (pytest), exactly as locked
RUN uv sync --frozen --package m6-advanced

ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 \
    PYTEST_ADDOPTS="-p no:cacheprovider"

WORKDIR /work

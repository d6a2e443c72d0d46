"""The web UI ships prebuilt inside the package; these tests keep that build whole and current.

Contract-QA's frontend (React + TypeScript, `packages/m5_agents_mlops/frontend`) is built by Vite
into `contracts/static/`, and those files are committed, the way MLflow's wheel carries its
JavaScript: a fresh clone without Node still serves the UI. The price is that the build can go
stale when someone edits the sources and forgets to rebuild. So:

- the first test (always) checks that the committed build is complete: index.html exists and
  every file it loads is there, under `/assets/`, and nothing comes from the internet;
- the second (where npm exists) rebuilds from a copy of the sources with `npm ci` (the exact
  versions in package-lock.json) and compares the result file by file with the committed one.
  Vite names files by a hash of their content and builds deterministically, so the same sources
  and lock file give the same names and bytes; any difference means the commit is stale.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
FRONTEND = PACKAGE / "frontend"
STATIC = PACKAGE / "src" / "m5_agents_mlops" / "contracts" / "static"
STALE = "the committed build is stale: run `npm ci && npm run build` in packages/m5_agents_mlops/frontend"
# npm's own words for "could not reach the registry": a reason to skip, not a failure.
NETWORK_ERRORS = re.compile(
    r"ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|ENOTCACHED|"
    r"network request|request to https?://\S+ failed",
    re.IGNORECASE,
)


def referenced_urls(html: str) -> list[str]:
    """The src/href of every script and link tag in index.html (Vite writes one per asset)."""
    return re.findall(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", html)


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root, by its relative POSIX path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_committed_build_is_complete() -> None:
    index = STATIC / "index.html"
    assert index.is_file(), f"no built UI at {index}: {STALE.split(': ', 1)[1]}"
    html = index.read_text(encoding="utf-8")
    urls = [u for u in referenced_urls(html) if not u.startswith("data:")]
    assert any(u.endswith(".js") for u in urls), f"index.html loads no script: {urls}"
    for url in urls:
        # base "/": the server mounts static/assets at /assets; an http(s) URL would break offline use
        assert url.startswith("/assets/"), f"index.html loads {url!r}, not a file under /assets/"
        assert (STATIC / url.lstrip("/")).is_file(), f"index.html loads {url}, which is missing"
    # No leftovers: every asset is loaded by index.html or named by another asset (lazy chunks).
    texts = html + "".join(
        p.read_text("utf-8", "replace") for p in (STATIC / "assets").glob("*.js")
    )
    orphans = [p.name for p in (STATIC / "assets").iterdir() if p.name not in texts]
    assert not orphans, f"files nothing loads (an old build?): {orphans}; {STALE}"


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false"}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_committed_build_is_fresh(tmp_path: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: the committed build cannot be rebuilt to compare")
    work = tmp_path / "frontend"
    shutil.copytree(FRONTEND, work, ignore=shutil.ignore_patterns("node_modules"))
    # --prefer-offline: packages already in ~/.npm are used without asking the registry, so a
    # warm cache makes this fast (≈ 3 s) and needs no network; a cold one downloads (≈ 15 s).
    install = run([npm, "ci", "--no-audit", "--no-fund", "--prefer-offline"], work)
    if install.returncode != 0:
        output = install.stdout + install.stderr
        if NETWORK_ERRORS.search(output):
            pytest.skip(f"npm ci could not reach the registry: {output.strip().splitlines()[-1]}")
        pytest.fail(f"npm ci failed:\n{output[-3000:]}")
    out = tmp_path / "out"
    build = run([npm, "run", "build", "--", "--outDir", str(out), "--emptyOutDir"], work)
    assert build.returncode == 0, f"npm run build failed:\n{(build.stdout + build.stderr)[-3000:]}"

    fresh, committed = tree_bytes(out), tree_bytes(STATIC)
    problems = [
        f"only in the committed build: {n}" for n in sorted(committed.keys() - fresh.keys())
    ]
    problems += [f"only in a fresh build: {n}" for n in sorted(fresh.keys() - committed.keys())]
    problems += [
        f"differs: {n}" for n in sorted(fresh.keys() & committed.keys()) if fresh[n] != committed[n]
    ]
    if problems:
        pytest.fail(f"{STALE}\n" + "\n".join(problems))

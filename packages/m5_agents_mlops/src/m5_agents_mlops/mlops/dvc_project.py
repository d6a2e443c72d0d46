"""A DVC project made from the template, driven through DVC's Python API (``dvc.repo.Repo``).

What DVC adds to "a script that trains a model":

- **a pipeline with a memory**: ``dvc.yaml`` lists each stage's command, what it reads (``deps``,
  ``params``) and what it writes (``outs``, ``metrics``). ``dvc repro`` hashes the inputs, compares
  them with ``dvc.lock`` (written after the last run) and reruns only the stages whose inputs
  changed, plus everything downstream of them. A second ``repro`` with nothing changed runs nothing.
- **data versioned beside the code**: outputs are moved into a content-addressed cache
  (``.dvc/cache``) and git-ignored; git keeps only ``dvc.lock``, whose hashes name them. Checking
  out an old commit and running ``dvc checkout`` (or ``pull``) brings back that commit's data.
- **remotes**: ``dvc push`` copies the cache to a remote (S3, GCS, SSH... here a local folder,
  which behaves the same and needs no network); ``dvc pull`` on another machine, or after
  deleting everything, restores the exact files.

Every command-line step has an API twin used here: ``dvc init`` = ``Repo.init``, ``dvc remote add
-d`` = ``repo.config.edit()``, ``dvc repro``/``push``/``pull``/``status`` = methods of ``Repo``.
Running in-process saves the second or so DVC takes to import on each ``dvc`` command.

No network: the project's ``.dvc/config`` switches off anonymous usage analytics and the update
check (``core.analytics``/``core.check_update = false``), and ``DVC_NO_ANALYTICS=1`` is set while
DVC runs; the remote is a folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import chdir, contextmanager
from pathlib import Path
from typing import Any

from roadmap_data.errors import RoadmapError

TEMPLATE = Path(__file__).with_name("dvc_template")
"""dvc.yaml, params.yaml and the stage scripts copied into every new project."""
MARKER = ".made-by-dvc-pipeline"
"""A file in every project this module creates: only such a folder is ever deleted (``fresh``)."""
REMOTE_NAME = "local"


class PipelineError(RoadmapError):
    """The DVC project cannot be made or run (a folder in the way, git missing, a bad param)."""


@contextmanager
def dvc_environment(project: Path) -> Iterator[None]:
    """While DVC works in ``project``: no analytics, ``python`` is this interpreter, cwd is there.

    DVC runs each stage's ``cmd`` in a shell, where ``python`` is whatever comes first on PATH;
    putting this interpreter's folder first makes the stages import the same packages we do.
    The API resolves its default targets (``dvc.yaml``) against the working folder, as the
    ``dvc`` command does, so we step into the project and back out afterwards.
    """
    saved = {key: os.environ.get(key) for key in ("PATH", "DVC_NO_ANALYTICS")}
    os.environ["DVC_NO_ANALYTICS"] = "1"
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), saved["PATH"] or ""])
    try:
        with chdir(project):
            yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def create_project(project: Path, remote: Path, fresh: bool = False) -> Path:
    """Copy the template into ``project``, then ``git init``, ``dvc init`` and add the remote.

    ``project`` must be missing or empty; with ``fresh``, a project this module made before
    (it holds ``MARKER``) is deleted first, with its remote. DVC needs a git repository: that is
    where ``dvc.lock`` and ``params.yaml`` are versioned (we make none of the commits for you).
    """
    if fresh and (project / MARKER).is_file():
        shutil.rmtree(project)
        shutil.rmtree(remote, ignore_errors=True)
    if project.exists() and any(project.iterdir()):
        raise PipelineError(f"{project} is not empty: name a new folder for the DVC project")
    shutil.copytree(TEMPLATE, project, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__py*"))
    (project / MARKER).write_text("made by dvc-pipeline; --fresh may delete this folder\n")
    try:
        subprocess.run(["git", "init", "-q", str(project)], check=True, capture_output=True)
    except (FileNotFoundError, subprocess.CalledProcessError) as error:
        raise PipelineError(f"`git init {project}` failed ({error}); DVC needs git") from None
    from dvc.repo import Repo

    # .dvc/config is the project's own settings file, versioned with it.
    with dvc_environment(project), Repo.init(".") as repo, repo.config.edit() as conf:
        conf["core"]["analytics"] = False
        conf["core"]["check_update"] = False
        conf["core"]["remote"] = REMOTE_NAME  # the default remote for push/pull
        conf["remote"][REMOTE_NAME] = {"url": str(remote.resolve())}
    return project


def set_params(project: Path, overrides: Mapping[str, str]) -> dict[str, Any]:
    """Apply ``{"train.model": "xgboost"}`` to params.yaml, keeping its comments; returns the values.

    Values are read as YAML (``300`` is a number, ``null`` is None). An unknown section or key is
    refused: a typo must not leave the pipeline running on the old value.
    """
    from dvc.utils.serialize import loads_yaml, modify_yaml

    applied: dict[str, Any] = {}
    with modify_yaml(project / "params.yaml") as params:
        for dotted, text in overrides.items():
            section, _, key = dotted.partition(".")
            if section not in params or key not in params[section]:
                known = ", ".join(f"{s}.{k}" for s, keys in params.items() for k in keys)
                raise PipelineError(f"params.yaml has no {dotted!r}; known: {known}")
            params[section][key] = applied[dotted] = loads_yaml(text)
    return applied


def reproduce(project: Path, until: str | None = None) -> list[str]:
    """``dvc repro [UNTIL]``: run the stages whose inputs changed; returns their names, in order.

    ``until`` (a stage name) stops there: that stage and the ones it depends on, as ``dvc repro
    features`` does; None runs the whole pipeline.
    """
    from dvc.repo import Repo

    with dvc_environment(project), Repo(".") as repo:
        return [stage.addressing for stage in repo.reproduce(until)]


def push(project: Path, until: str | None = None) -> int:
    """``dvc push [UNTIL]``: copy the cached outputs (of ``until`` and its upstream stages, None:
    all) to the default remote; returns how many files were sent."""
    from dvc.repo import Repo

    with dvc_environment(project), Repo(".") as repo:
        if until is None:
            return int(repo.push())
        return int(repo.push(targets=[until], with_deps=True))


def status(project: Path) -> dict[str, Any]:
    """``dvc status``: stages whose files or params differ from dvc.lock (empty: up to date)."""
    from dvc.repo import Repo

    with dvc_environment(project), Repo(".") as repo:
        return dict(repo.status())


def round_trip(project: Path) -> int:
    """Delete the cache and every stage output, ``dvc pull`` them back; returns files restored.

    This is what a colleague's fresh clone does: git gives them dvc.yaml and dvc.lock, the
    remote gives them the data. ``dvc status`` afterwards must be clean: the files pulled have
    the hashes dvc.lock names.
    """
    from dvc.repo import Repo

    with dvc_environment(project), Repo(".") as repo:
        # Metrics (``cache: false``) are not in the cache: git keeps them, so they stay.
        cached = [out for stage in repo.index.stages for out in stage.outs if out.use_cache]
        shutil.rmtree(Path(repo.cache.local.path), ignore_errors=True)
        for out in cached:
            Path(out.fs_path).unlink(missing_ok=True)
        pulled = repo.pull()
    if changed := status(project):
        raise PipelineError(f"after dvc pull the workspace differs from dvc.lock: {changed}")
    return len(pulled.get("added", [])) + len(pulled.get("modified", []))

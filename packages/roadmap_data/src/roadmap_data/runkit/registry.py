"""The MLflow model registry: named, numbered model versions, a ``champion`` alias, and loading.

A *registered model* is a name (``mnist``, ``titanic``) with numbered *versions*, each pointing
at a logged model of some run. An *alias* is a movable label on one version: code that serves a
model asks for ``models:/mnist@champion`` and never hard-codes a version number, and promoting a
better model is moving the alias, with no change to the server's configuration.

- ``register_version`` adds a version and applies the **champion rule**: the alias moves to the
  new version only if its score (test accuracy for MNIST, best CV accuracy for Titanic) beats the
  current champion's, so a worse retraining is kept (and can be inspected) but never served.
- ``resolve_model`` turns ``models:/NAME@ALIAS`` or ``models:/NAME/VERSION`` into the local path
  of our own model file (best.pt, model.skops) and the version it is; a plain file path is
  returned as is. ``serve`` uses it and reads that one file with our checked loaders
  (``torch.load(weights_only=True)``, skops with an allow-list of types). It never calls
  ``mlflow.pyfunc.load_model``, which would import the Python module stored with the model: code
  from the registry, which a server must not run.

**The download cache.** A version never changes once registered, so its artefacts are downloaded
once into ``<data dir>/mlflow-cache/<store>/<name>/<version>`` and reused by every later start
(only the alias → version lookup asks the registry again: aliases move). ``<store>`` is a short
hash of the store's URI, because "mnist version 3" of a team server and of the local
``data/mlruns`` are different models. A download lands in a temporary folder beside its target
and is renamed into place when complete, so a crash or a concurrent start never leaves a half
copy that would be taken for a whole one.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roadmap_data.errors import RoadmapError
from roadmap_data.paths import data_dir
from roadmap_data.runkit.stores import (
    as_uri,
    client_for,
    default_tracking_uri,
    fail_fast,
    local_store,
    mlflow_store,
)

CHAMPION = "champion"
"""The alias ``serve`` loads by default: the best version registered so far."""
REGISTERED_BY = {
    "mnist": "uv run train-mnist --mlflow --register mnist",
    "titanic": "uv run titanic --mlflow --register titanic",
}
"""The command that registers each of the roadmap's models (named in error messages)."""
_URI = re.compile(r"models:/(?P<name>[^/@]+)(?:@(?P<alias>[^/@]+)|/(?P<version>[^/@]+))?/?")


class ModelRegistryError(RoadmapError, LookupError):
    """A ``models:/`` URI that names no model, alias or version, or a store that is not there."""


@dataclass(frozen=True)
class ModelRef:
    """What a ``models:/`` URI asks for: a name, and an alias or a version number."""

    name: str
    alias: str | None = None
    version: int | None = None

    def __str__(self) -> str:
        suffix = f"@{self.alias}" if self.alias else f"/{self.version}"
        return f"models:/{self.name}{suffix}"


def parse_model_uri(uri: str) -> ModelRef:
    """``models:/mnist@champion`` → ``ModelRef("mnist", alias="champion")``; ``/3`` → version 3."""
    match = _URI.fullmatch(uri.strip())
    if match is None:
        raise ModelRegistryError(
            f"{uri!r} is not a model URI: write models:/NAME@ALIAS or models:/NAME/VERSION"
        )
    name, alias, version = match["name"], match["alias"], match["version"]
    if alias is None and version is None:
        raise ModelRegistryError(
            f"{uri!r} names no version: write models:/{name}@{CHAMPION} (the best one) "
            f"or models:/{name}/VERSION"
        )
    if version is not None and not (version.isdigit() and int(version) >= 1):
        raise ModelRegistryError(f"{uri!r}: a version is a number from 1, not {version!r}")
    return ModelRef(name, alias, int(version) if version else None)


def how_to_register(name: str) -> str:
    """The command that would make model ``name`` (a generic one for names we do not know)."""
    command = REGISTERED_BY.get(name, f"uv run train-mnist --mlflow --register {name}")
    return f"train and register one first: `{command}`"


@dataclass(frozen=True)
class Registration:
    """A new model version, and which version holds the ``champion`` alias afterwards."""

    name: str
    version: int
    metric: str
    score: float
    champion_version: int
    champion_score: float

    @property
    def is_champion(self) -> bool:
        return self.version == self.champion_version

    @property
    def uri(self) -> str:
        return f"models:/{self.name}/{self.version}"

    def summary(self) -> str:
        """One line for the results table."""
        this = f"{self.name} v{self.version} ({self.metric} {self.score:.4f})"
        if self.is_champion:
            return f"{this}: the new @{CHAMPION}"
        return f"{this}; @{CHAMPION} stays v{self.champion_version} ({self.champion_score:.4f})"


def register_version(
    model_uri: str,
    name: str,
    *,
    metric: str,
    score: float,
    tracking_uri: str,
    run_id: str | None = None,
    model_id: str | None = None,
) -> Registration:
    """Register ``model_uri`` as the next version of ``name``; make it champion if it scores best.

    The score is stored as a version tag (``{metric: score}``), so the rule needs nothing but the
    registry. A champion without a score for the same metric (set by hand, say) is replaced.
    """
    from mlflow.exceptions import MlflowException

    # MLflow looks up a logged model ("models:/m-...") through the global URI whatever the
    # client, and its file registry opens clients of its own on that URI: point it at ours.
    with mlflow_store(tracking_uri):
        client = client_for(as_uri(tracking_uri))
        try:
            client.create_registered_model(name)
        except MlflowException as error:
            if error.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
        tags = {"metric": metric, metric: repr(float(score))}
        created = client.create_model_version(
            name, source=model_uri, run_id=run_id, tags=tags, model_id=model_id
        )
        version = int(created.version)
        champion = _current_champion(client, name, metric)
        if champion is None or score > champion[1]:
            client.set_registered_model_alias(name, CHAMPION, str(version))
            champion = (version, float(score))
    return Registration(name, version, metric, float(score), *champion)


def champion_of(
    name: str, metric: str, tracking_uri: str | None = None
) -> tuple[int, float] | None:
    """(version, score) of ``name@champion`` in the store (None: $MLFLOW_TRACKING_URI, else
    data/mlruns); None before there is a store, a model of that name or a champion."""
    from mlflow.exceptions import MlflowException

    store = as_uri(tracking_uri or default_tracking_uri())
    folder = local_store(store)
    if folder is not None and not folder.is_dir():
        return None
    with fail_fast(), mlflow_store(store):
        try:
            return _current_champion(client_for(store), name, metric)
        except MlflowException as error:
            if error.error_code == "RESOURCE_DOES_NOT_EXIST":
                return None
            raise


def _current_champion(client: Any, name: str, metric: str) -> tuple[int, float] | None:
    """(version, score) of ``name@champion``, None if there is none or it has no such score."""
    aliases = client.get_registered_model(name).aliases  # {alias: version}
    if CHAMPION not in aliases:
        return None
    version = client.get_model_version(name, str(aliases[CHAMPION]))
    if metric not in version.tags:
        return None
    return int(version.version), float(version.tags[metric])


@dataclass(frozen=True)
class ResolvedModel:
    """Our model file on the local disk, and the registered version it is (if it came from one)."""

    path: Path
    """Our model file (best.pt, model.skops): where the caller's checked loader reads it."""
    version: int | None = None
    """The version the URI named, or its alias pointed to when resolved (None: a plain path);
    a server shows it, e.g. ``models:/mnist@champion (version 3)``."""


def default_cache() -> Path:
    """Where downloaded model versions are kept: ``<data dir>/mlflow-cache``."""
    return data_dir() / "mlflow-cache"


def resolve_model_file(
    uri: str, filename: str, tracking_uri: str | None = None, cache: Path | None = None
) -> Path:
    """The local path of our model file ``filename`` for ``uri`` (see ``resolve_model``)."""
    return resolve_model(uri, filename, tracking_uri, cache).path


def resolve_model(
    uri: str, filename: str, tracking_uri: str | None = None, cache: Path | None = None
) -> ResolvedModel:
    """``models:/NAME@ALIAS`` or ``models:/NAME/VERSION`` → our file ``filename`` and its version.

    A plain path is returned as is (the caller's loader checks it). ``tracking_uri`` None means
    ``default_tracking_uri()``; ``cache`` None means ``default_cache()`` (see the module docstring:
    a version already downloaded there is not downloaded again). Raises ``ModelRegistryError``
    naming what exists and the command that would register one.
    """
    if not uri.startswith("models:"):
        return ResolvedModel(Path(uri))
    ref = parse_model_uri(uri)
    store = as_uri(tracking_uri or default_tracking_uri())
    hint = how_to_register(ref.name)
    folder = local_store(store)
    if folder is not None and not folder.is_dir():
        raise ModelRegistryError(f"{uri}: no MLflow tracking store at {folder}; {hint}")
    from mlflow.exceptions import MlflowException

    try:
        with fail_fast(), mlflow_store(store):  # the file registry's own clients use it too
            version = int(_find_version(client_for(store), ref, store, hint).version)
            key = hashlib.sha256(store.encode()).hexdigest()[:12]
            target = (cache or default_cache()) / key / ref.name / str(version)
            if not target.is_dir():  # only a complete download is ever renamed to this name
                _download(f"models:/{ref.name}/{version}", target, store)
    except MlflowException as error:  # an unreachable server, a damaged store...
        message = f"{uri}: cannot read the MLflow registry at {store}: {error.message}"
        raise ModelRegistryError(message) from None
    path = target / "artifacts" / filename
    if not path.is_file():
        found = ", ".join(sorted(p.name for p in (target / "artifacts").glob("*"))) or "none"
        raise ModelRegistryError(
            f"{uri} (version {version}) holds no {filename} (artefacts: {found}); {hint}"
        )
    return ResolvedModel(path, version)


def _find_version(client: Any, ref: ModelRef, store: str, hint: str) -> Any:
    """The ``ModelVersion`` that ``ref`` names, or an error that lists what there is."""
    from mlflow.exceptions import MlflowException

    try:
        model = client.get_registered_model(ref.name)
    except MlflowException as error:
        if error.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        names = sorted(m.name for m in client.search_registered_models())
        known = f"registered: {', '.join(names)}" if names else "no model is registered there"
        message = f"{ref}: no model named {ref.name!r} in {store} ({known}); {hint}"
        raise ModelRegistryError(message) from None
    versions = sorted(int(v.version) for v in client.search_model_versions(f"name='{ref.name}'"))
    have = f"versions {', '.join(map(str, versions))}" if versions else "no versions"
    if ref.alias is not None:
        if ref.alias not in model.aliases:
            aliases = ", ".join(f"@{a} → v{v}" for a, v in sorted(model.aliases.items()))
            raise ModelRegistryError(
                f"{ref}: model {ref.name!r} has no alias {ref.alias!r} "
                f"({aliases or 'no aliases'}; {have}); {hint}"
            )
        return client.get_model_version(ref.name, str(model.aliases[ref.alias]))
    if ref.version not in versions:
        raise ModelRegistryError(
            f"{ref}: model {ref.name!r} has no version {ref.version} ({have}); {hint}"
        )
    return client.get_model_version(ref.name, str(ref.version))


def _download(model_uri: str, target: Path, store: str) -> None:
    """Copy a version's whole pyfunc folder to ``target``, which appears only once complete.

    The files land in a temporary folder beside ``target`` (same file system), renamed to it at
    the end: a rename is atomic, so ``target`` is either absent or whole. If another process
    renamed its own copy first, ours is dropped and theirs kept (the same version, so the same
    files).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".download-", dir=target.parent))
    try:
        # The global URI too: a version's source ("models:/m-...") is looked up through it.
        with mlflow_store(store) as mlflow:
            mlflow.artifacts.download_artifacts(artifact_uri=model_uri, dst_path=str(partial))
        try:
            partial.rename(target)
        except OSError:
            if not target.is_dir():  # not a lost race: a real error (disk full, permissions)
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)

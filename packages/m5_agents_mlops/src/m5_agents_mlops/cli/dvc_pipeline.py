"""``dvc-pipeline``: month 2's Titanic model as a DVC pipeline, reproduced, pushed and pulled.

    uv run dvc-pipeline --smoke                       # fresh project, `dvc repro data` twice
    uv run dvc-pipeline                               # data/runs/dvc-pipeline/project: made once,
                                                      #   then only what changed reruns
    uv run dvc-pipeline --set train.model=xgboost     # edit params.yaml: train + evaluate rerun
    uv run dvc-pipeline --project ~/titanic-dvc --round-trip   # anywhere; + delete and pull back
    uv run dvc-pipeline --until features              # only data + features (`dvc repro features`)

The first run copies the template (dvc.yaml, params.yaml, stages/*.py) into --project, runs
`git init` and `dvc init` there, and adds a folder as the default DVC remote (--remote, default
<project>-remote beside it). Every run then applies --set, runs `dvc repro` (only the stages
whose code, data or params changed: see dvc.lock), and `dvc push`. --rerun runs `dvc repro` a
second time, which must run nothing; --round-trip deletes the DVC cache and every cached output
and restores them with `dvc pull`, then checks `dvc status` is clean. --until STAGE stops the
pipeline at STAGE (`dvc repro STAGE`: it and its upstream stages). --smoke is a fresh project,
`dvc repro data`, the same again (which runs nothing) and `dvc push`: each stage is a Python
process, and features/train/evaluate import scikit-learn (train/evaluate also skops, whose import
walks all of it: seconds each), so the smoke run keeps to the one cheap stage;
`--fresh --rerun --round-trip` runs all four, twice, and the push/pull round trip.

Afterwards the project is an ordinary DVC project: `cd` into it and use `dvc repro`, `dvc dag`,
`dvc metrics show`, `dvc params diff`, `git add/commit` yourself. DVC's usage analytics and
update check are switched off in its .dvc/config; nothing here uses the network.

Writes metrics.json (stages run, files pushed/pulled, the model's test metrics) to --out.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from m5_agents_mlops.mlops import dvc_project
from m5_agents_mlops.mlops.dvc_project import PipelineError
from m5_agents_mlops.mlops.titanic_stages import METRICS
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.paths import runs_dir
from roadmap_data.runkit import RunConfig, RunParser, require, save_metrics

PROG = "dvc-pipeline"
STAGES = ("data", "features", "train", "evaluate")


@dataclass(frozen=True, kw_only=True)
class DvcPipelineConfig(RunConfig):
    """One dvc-pipeline run: where the project and its remote live, and what to show."""

    PRESETS: ClassVar = {
        "tiny": {"fresh": True, "rerun": True, "until": "data"},
        "cpu": {},
        "full": {"rerun": True, "round_trip": True},
    }

    project: Path | None = None
    """The DVC project folder, made from the template if missing or empty (None: <out>/project)."""
    remote: Path | None = None
    """Folder used as the DVC remote (None: <project>-remote beside the project)."""
    overrides: tuple[str, ...] = ()
    """params.yaml changes before `dvc repro`, as SECTION.KEY=VALUE (e.g. train.n_estimators=50)."""
    fresh: bool = False
    """Start over: delete a project this command made before (and its remote), then recreate it."""
    rerun: bool = False
    """Run `dvc repro` a second time to show that nothing reruns when nothing changed."""
    round_trip: bool = False
    """After `dvc push`, delete the cache and cached outputs and restore them with `dvc pull`."""
    until: str | None = None
    """Run the pipeline only up to this stage (data, features, train, evaluate; None: all)."""

    def validate(self) -> None:
        super().validate()
        for item in self.overrides:
            key, equals, _ = item.partition("=")
            require(bool(equals) and "." in key, f"--set {item!r} is not SECTION.KEY=VALUE")
        require(self.until in (None, *STAGES), f"--until must be one of {', '.join(STAGES)}")

    @property
    def project_dir(self) -> Path:
        return self.project or (self.out or runs_dir(PROG)) / "project"

    @property
    def remote_dir(self) -> Path:
        project = self.project_dir
        return self.remote or project.with_name(f"{project.name}-remote")


@dataclass
class PipelineResult:
    """What one run did to the project and what the model scored."""

    config: DvcPipelineConfig
    created: bool
    params_set: dict[str, Any]
    stages_run: list[str]
    stages_rerun: list[str] | None
    pushed: int
    pulled: int | None
    test_metrics: dict[str, float] | None
    seconds: dict[str, float] = field(default_factory=dict)

    def metrics(self) -> dict[str, Any]:
        return {
            "project": str(self.config.project_dir),
            "remote": str(self.config.remote_dir),
            "created": self.created,
            "params_set": self.params_set,
            "stages_run": self.stages_run,
            "stages_rerun": self.stages_rerun,
            "files_pushed": self.pushed,
            "files_pulled": self.pulled,
            "test_metrics": self.test_metrics,
            "seconds": self.seconds,
        }


def run(config: DvcPipelineConfig) -> PipelineResult:
    """Make the project if needed, apply --set, repro (twice with --rerun), push, pull back."""
    from dvc.exceptions import DvcException

    project, seconds = config.project_dir, {}
    try:
        created = not (project / "dvc.yaml").is_file() or config.fresh
        if created:
            dvc_project.create_project(project, config.remote_dir, fresh=config.fresh)
            seeds = {f"{stage}.seed": str(config.seed) for stage in ("data", "features", "train")}
            dvc_project.set_params(project, seeds)  # --seed: the project's starting seeds
        overrides = dict(item.split("=", 1) for item in config.overrides)
        params_set = dvc_project.set_params(project, overrides) if overrides else {}
        if not created and config.remote is not None:
            console.print("[yellow]--remote is only used when the project is made[/yellow]")
        start = time.perf_counter()
        stages_run = dvc_project.reproduce(project, config.until)
        seconds["repro"] = time.perf_counter() - start
        stages_rerun = None
        if config.rerun:
            start = time.perf_counter()
            stages_rerun = dvc_project.reproduce(project, config.until)
            seconds["repro_again"] = time.perf_counter() - start
        start = time.perf_counter()
        pushed = dvc_project.push(project, config.until)
        seconds["push"] = time.perf_counter() - start
        pulled = None
        if config.round_trip:
            start = time.perf_counter()
            pulled = dvc_project.round_trip(project)
            seconds["round_trip"] = time.perf_counter() - start
    except DvcException as error:  # a failed stage, a bad dvc.yaml: the stage printed why
        raise PipelineError(f"dvc: {error}") from None
    # --until before `evaluate`: metrics.json is missing or from an earlier run, so none is shown.
    scored = config.until in (None, "evaluate")
    test_metrics = json.loads((project / METRICS).read_text(encoding="utf-8")) if scored else None
    return PipelineResult(config, created, params_set, stages_run, stages_rerun, pushed, pulled,
                          test_metrics, seconds)  # fmt: skip


def print_report(result: PipelineResult) -> None:
    rerun = result.stages_rerun
    rows = [
        ("project", f"{result.config.project_dir}" + (" (new)" if result.created else "")),
        ("params set", ", ".join(f"{k}={v}" for k, v in result.params_set.items()) or "-"),
        ("dvc repro ran", ", ".join(result.stages_run) or "nothing (up to date)"),
        ("dvc repro again ran", "-" if rerun is None else ", ".join(rerun) or "nothing"),
        ("dvc push", f"{result.pushed} file(s) to {result.config.remote_dir}"),
        ("dvc pull", "-" if result.pulled is None else f"{result.pulled} file(s) restored"),
    ]
    print_table("dvc-pipeline", ["step", "result"], rows)
    if (m := result.test_metrics) is None:
        console.print("no metrics.json yet: the pipeline stopped before `evaluate`")
        return
    print_table(
        f"Titanic model on {m['n_test']} held-out passengers (metrics.json)",
        ["accuracy", "ROC-AUC", "F1", "women-survive rule"],
        [(m["accuracy"], m["roc_auc"], m["f1"], m["gender_rule_accuracy"])],
    )


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser(PROG, __doc__, DvcPipelineConfig,
                       flags=["project", "remote", "fresh", "rerun", "round_trip", "until"])  # fmt: skip
    parser.add_field("overrides", "--set", metavar="SECTION.KEY=VALUE")
    config = parser.config(parser.parse_args(argv))
    result = run(config)
    out = config.out or runs_dir(PROG)
    path = save_metrics(result, config, out)
    print_report(result)
    console.print(f"saved {path}")
    return 0

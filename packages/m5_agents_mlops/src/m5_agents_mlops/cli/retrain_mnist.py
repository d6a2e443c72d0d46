"""``retrain-mnist``: retrain month 3's MNIST model and re-register it, as a Prefect flow.

    uv run retrain-mnist                      # 3 epochs, registered as the next version of `mnist`
    uv run retrain-mnist --epochs 1 --train-size 5000   # a weaker model: kept, not promoted
    uv run retrain-mnist --smoke              # seconds: registers `mnist-smoke`, never `mnist`
    PREFECT_API_URL=http://127.0.0.1:4200/api uv run retrain-mnist   # runs shown in your server's UI

The flow (``m5_agents_mlops.mlops.retrain_flow``) reads the current champion, trains with
``train-mnist``'s recipe and registers the result in the MLflow registry (data/mlruns unless
--mlflow-uri or $MLFLOW_TRACKING_URI), where the alias ``champion`` moves to the new version only
if its test accuracy beats the champion's; then it loads ``models:/NAME@champion`` as ``serve``
does and checks what it scores. ``serve --mnist models:/mnist@champion`` (or ``mnist-app``)
picks up a promotion at its next start. Prefect's state lives in <data dir>/prefect
($PREFECT_HOME wins); without $PREFECT_API_URL a temporary local server runs for the length of
the command (about ten seconds to start). Writes metrics.json to --out.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from m5_agents_mlops.mlops.retrain_flow import RetrainReport, RetrainRequest, configure_prefect
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.paths import runs_dir
from roadmap_data.runkit import RunConfig, RunParser, require, require_at_least, save_metrics
from roadmap_data.runkit.tracking import valid_model_name

PROG = "retrain-mnist"


@dataclass(frozen=True, kw_only=True)
class RetrainConfig(RunConfig):
    """One retraining: which registered model, how much training, which stores."""

    PRESETS: ClassVar = {
        "tiny": {"name": "mnist-smoke", "epochs": 1, "train_size": 1000, "test_size": 500},
        "cpu": {},
        "full": {"epochs": 10},
    }

    name: str = "mnist"
    """Registered model to add a version to (the smoke run uses mnist-smoke)."""
    epochs: int = 3
    """Passes over the training images (train-mnist's recipe otherwise)."""
    train_size: int | None = None
    """Training images (None: all 55,000 that are not held out for validation)."""
    test_size: int | None = None
    """Test digits the new version is scored on (None: all 10,000, as train-mnist)."""
    mlflow_uri: str | None = None
    """MLflow tracking and registry store (None: $MLFLOW_TRACKING_URI, else data/mlruns)."""
    prefect_home: Path | None = None
    """Prefect's folder: its settings and database of runs (None: $PREFECT_HOME, else data/prefect)."""

    def validate(self) -> None:
        super().validate()
        require(valid_model_name(self.name), f"name: {self.name!r} is not a model name")
        require_at_least(1, epochs=self.epochs, train_size=self.train_size,
                         test_size=self.test_size)  # fmt: skip


@dataclass
class RetrainResult:
    """The flow's report and the flow run that made it."""

    config: RetrainConfig
    report: RetrainReport
    flow_run: str

    def metrics(self) -> dict[str, Any]:
        made = self.report.registration
        before = self.report.before
        return {
            "flow_run": self.flow_run,
            "model": made.name,
            "champion_before": None
            if before is None
            else {"version": before[0], "score": before[1]},
            "version": made.version,
            "test_accuracy": made.score,
            "promoted": self.report.promoted,
            "champion_after": {"version": made.champion_version, "score": made.champion_score},
            "served_accuracy": self.report.served_accuracy,
            "test_digits": self.report.test_digits,
        }


def run(config: RetrainConfig) -> RetrainResult:
    """Run the flow once and wait for it (a flow run is a plain call to the flow function)."""
    configure_prefect(config.prefect_home)  # before Prefect is imported
    from m5_agents_mlops.mlops.retrain_flow import build_flow, warm_up

    out = config.out or runs_dir(PROG)
    request = RetrainRequest(
        name=config.name, epochs=config.epochs, train_size=config.train_size,
        test_size=config.test_size, seed=config.seed, mlflow_uri=config.mlflow_uri,
        out=str(out / "model"),
    )  # fmt: skip
    retrain = build_flow()  # imports Prefect (seconds) before the warm-up competes for the GIL
    threading.Thread(target=warm_up, args=(config.test_size, config.seed), daemon=True).start()
    state = retrain(request, return_state=True)
    report = state.result()  # raises the flow's error if it failed
    return RetrainResult(config, report, str(state.state_details.flow_run_id))


def print_report(result: RetrainResult) -> None:
    report, made = result.report, result.report.registration
    before = report.before
    rows = [
        ("champion before", "none" if before is None else f"v{before[0]} ({before[1]:.4f})"),
        ("new version", f"v{made.version} (test accuracy {made.score:.4f})"),
        ("champion after", f"v{made.champion_version} ({made.champion_score:.4f})"
                           + (": promoted" if report.promoted else ": kept")),
        ("served @champion", f"{report.served_accuracy:.4f} on {report.test_digits:,} test digits"),
        ("flow run", result.flow_run),
    ]  # fmt: skip
    print_table(f"retrain-mnist: {made.name}", ["step", "result"], rows)


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser(PROG, __doc__, RetrainConfig,
                       flags=["name", "epochs", "train_size", "test_size", "mlflow_uri",
                              "prefect_home"])  # fmt: skip
    config = parser.config(parser.parse_args(argv))
    result = run(config)
    path = save_metrics(result, config, config.out or runs_dir(PROG))
    print_report(result)
    console.print(f"saved {path}")
    return 0

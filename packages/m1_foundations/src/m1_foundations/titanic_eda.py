"""``titanic-eda``: a first look at the Titanic passengers and a real time series, with Pandas.

Prints the tables of week 2 (missing values, survival by class and sex, ages by class, survival
by family size, US unemployment by year) and draws three plots. Nothing here is random.

    uv run titanic-eda                 # tables in the terminal, plots in data/runs/titanic-eda/
    uv run titanic-eda --out /tmp/eda  # somewhere else
    uv run titanic-eda --smoke         # tables only, no plots (seconds)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import matplotlib

matplotlib.use("Agg")  # files only: works on servers and in CI
import matplotlib.pyplot as plt
import pandas as pd

from m1_foundations import pandas_basics as pb
from roadmap_data import load_economics, load_titanic
from roadmap_data.console import console, friendly_errors, print_table, save_figure
from roadmap_data.runkit import RunConfig, RunParser, save_metrics


@dataclass(frozen=True, kw_only=True)
class EDAConfig(RunConfig):
    """Settings of one titanic-eda run."""

    PRESETS: ClassVar = {"tiny": {"plots": False}, "cpu": {}, "full": {}}

    plots: bool = True
    """Draw the three PNG plots (--smoke prints the tables only)."""


@dataclass
class EDAResult:
    """The tables a first look at the data produces (the passenger list itself included)."""

    titanic: pd.DataFrame
    missing: pd.DataFrame
    survival_by_class_sex: pd.DataFrame
    age_by_class: pd.DataFrame
    survival_by_family_size: pd.DataFrame
    yearly: pd.DataFrame

    @property
    def survival_rate(self) -> float:
        return float(pb.survived_flag(self.titanic).mean())

    def metrics(self) -> dict[str, Any]:
        """What metrics.json holds: the headline figures of the tables."""
        return {
            "passengers": len(self.titanic),
            "survival_rate": round(self.survival_rate, 4),
            "missing_age": int(self.titanic["age"].isna().sum()),
            "survival_by_class_sex": self.survival_by_class_sex.to_dict(),
            "survival_by_family_size": self.survival_by_family_size["rate"].to_dict(),
            "peak_unemployment_year": int(self.yearly["unemployment_rate"].idxmax().year),
        }


def survival_by_family_size(titanic: pd.DataFrame) -> pd.DataFrame:
    """Survival rate and passenger count by family size (5 stands for 5 or more)."""
    family = pb.add_features(titanic)
    size = family["family_size"].clip(upper=5)
    table = pb.survived_flag(family).groupby(size).agg(["mean", "size"])
    return table.rename(columns={"mean": "rate", "size": "passengers"}).round(3)


def run(config: EDAConfig) -> EDAResult:
    """Load, clean and summarise (``config`` has nothing to tune: the data decide everything)."""
    titanic = load_titanic()
    return EDAResult(
        titanic=titanic,
        missing=pb.missing_report(titanic),
        survival_by_class_sex=pb.survival_by_class_and_sex(titanic),
        age_by_class=pb.age_summary(titanic),
        survival_by_family_size=survival_by_family_size(titanic),
        yearly=pb.yearly_unemployment(load_economics()),
    )


def plot_survival(table: pd.DataFrame, path: Path) -> Path:
    ax = table.plot.bar(rot=0, ylim=(0, 1), color=["tab:red", "tab:blue"])
    ax.set(title="Titanic: survival rate by class and sex", ylabel="survival rate", xlabel="class")
    return save_figure(ax.figure, path)


def plot_ages(titanic: pd.DataFrame, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, group in titanic.groupby("survived"):
        ax.hist(group["age"].dropna(), bins=30, alpha=0.6, label=label)
    ax.set(title="Age distribution by outcome", xlabel="age (years)", ylabel="passengers")
    ax.legend()
    return save_figure(fig, path)


def plot_unemployment(yearly: pd.DataFrame, path: Path) -> Path:
    ax = yearly["unemployment_rate"].plot(figsize=(7, 3.5), marker=".")
    ax.set(
        title="US unemployment (yearly mean of monthly data)", ylabel="% of population", xlabel=""
    )
    return save_figure(ax.figure, path)


def save_plots(result: EDAResult, out: Path) -> list[Path]:
    """The three PNG plots, in ``out``."""
    return [
        plot_survival(result.survival_by_class_sex, out / "survival_by_class_sex.png"),
        plot_ages(result.titanic, out / "age_by_outcome.png"),
        plot_unemployment(result.yearly, out / "unemployment.png"),
    ]


def frame_rows(frame: pd.DataFrame) -> list[list[object]]:
    """A DataFrame as table rows, its index first."""
    rows = zip(frame.index, frame.itertuples(index=False), strict=True)
    return [[index, *row] for index, row in rows]


def print_report(result: EDAResult) -> None:
    """Every table of the tour, in the order of the week's days."""
    print_table("missing values", ["column", "missing", "share"], frame_rows(result.missing))
    table = result.survival_by_class_sex
    print_table("survival rate by class and sex", ["class", *table.columns], frame_rows(table))
    age = result.age_by_class
    print_table("age by class", ["class", *age.columns], frame_rows(age))
    print_table(
        "survival by family size (5 = 5+)",
        ["family size", "rate", "passengers"],
        frame_rows(result.survival_by_family_size),
    )
    decade = result.yearly.iloc[::10].set_axis(result.yearly.index.year[::10])
    print_table("US unemployment, every 10th year", ["year", *decade.columns], frame_rows(decade))


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser("titanic-eda", __doc__, EDAConfig, flags=["plots"])
    config = parser.config(parser.parse_args(argv))
    result = run(config)
    print_report(result)
    plots = save_plots(result, config.out) if config.plots else []
    save_metrics(result, config, config.out)
    console.print(
        f"saved metrics.json{f' and {len(plots)} plots' if plots else ''} to {config.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

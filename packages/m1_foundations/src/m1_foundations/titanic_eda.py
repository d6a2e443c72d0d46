"""``titanic-eda``: a first look at the Titanic passengers and a real time series, with Pandas.

uv run titanic-eda                 # tables in the terminal, plots in data/runs/titanic-eda/
uv run titanic-eda --out /tmp/eda  # somewhere else
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: works on servers and in CI
import matplotlib.pyplot as plt
import pandas as pd

from m1_foundations import pandas_basics as pb
from roadmap_data import load_economics, load_titanic, runs_dir
from roadmap_data.console import console, friendly_errors, print_table, save_figure, save_json


@dataclass
class EDAResult:
    survival_rate: float
    survival_by_class_sex: pd.DataFrame
    missing_age: int
    yearly: pd.DataFrame
    plots: list[Path]


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


def run(out: Path, plots: bool = True) -> EDAResult:
    """Load, clean, summarise and plot; returns the key tables."""
    titanic = load_titanic()
    by_class_sex = pb.survival_by_class_and_sex(titanic)
    yearly = pb.yearly_unemployment(load_economics())
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    if plots:
        paths = [
            plot_survival(by_class_sex, out / "survival_by_class_sex.png"),
            plot_ages(titanic, out / "age_by_outcome.png"),
            plot_unemployment(yearly, out / "unemployment.png"),
        ]
    return EDAResult(
        survival_rate=float(pb.survived_flag(titanic).mean()),
        survival_by_class_sex=by_class_sex,
        missing_age=int(titanic["age"].isna().sum()),
        yearly=yearly,
        plots=paths,
    )


def frame_rows(frame: pd.DataFrame) -> list[list[object]]:
    return [
        [index, *row] for index, row in zip(frame.index, frame.itertuples(index=False), strict=True)
    ]


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="titanic-eda", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=None, help="artefact folder (default data/runs/titanic-eda)"
    )
    parser.add_argument("--smoke", action="store_true", help="tables only, no plots (seconds)")
    parser.add_argument(
        "--seed", type=int, default=0, help="unused (no randomness); kept for a uniform CLI"
    )
    args = parser.parse_args(argv)
    out = args.out or runs_dir("titanic-eda")

    result = run(out, plots=not args.smoke)
    titanic = load_titanic()
    print_table(
        "missing values", ["column", "missing", "share"], frame_rows(pb.missing_report(titanic))
    )
    table = result.survival_by_class_sex
    print_table("survival rate by class and sex", ["class", *table.columns], frame_rows(table))
    age = pb.age_summary(titanic)
    print_table("age by class", ["class", *age.columns], frame_rows(age))
    family = pb.add_features(titanic)
    by_family = (
        pb.survived_flag(family).groupby(family["family_size"].clip(upper=5)).agg(["mean", "size"])
    )
    print_table(
        "survival by family size (5 = 5+)",
        ["family size", "rate", "passengers"],
        frame_rows(by_family.round(3)),
    )
    decade = result.yearly.iloc[::10].set_axis(result.yearly.index.year[::10])
    print_table("US unemployment, every 10th year", ["year", *decade.columns], frame_rows(decade))

    metrics = {
        "passengers": len(titanic),
        "survival_rate": round(result.survival_rate, 4),
        "missing_age": result.missing_age,
        "survival_by_class_sex": table.to_dict(),
        "peak_unemployment_year": int(result.yearly["unemployment_rate"].idxmax().year),
        "plots": [str(p) for p in result.plots],
    }
    save_json(out / "metrics.json", metrics)
    console.print(f"saved metrics.json{' and 3 plots' if result.plots else ''} to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

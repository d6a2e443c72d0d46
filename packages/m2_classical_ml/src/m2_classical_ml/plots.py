"""Every figure of month 2, one small function each, written to PNG (headless: Agg backend).

Functions take plain arrays so they can be reused and tested without a model, and return the path
written. Figures are closed after saving, so long runs do not leak memory.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed; must precede pyplot
import matplotlib.pyplot as plt
import numpy as np

from roadmap_data.console import save_figure


def _save(fig: plt.Figure, path: Path) -> Path:
    return save_figure(fig, path, dpi=110)


def plot_curves(
    path: Path,
    x: Sequence[float],
    curves: Mapping[str, Sequence[float]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    logx: bool = False,
    logy: bool = False,
    mark_x: float | None = None,
) -> Path:
    """Several named y-series against one x axis (elbow, learning curve, k sweep, ...)."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, ys in curves.items():
        ax.plot(x, ys, marker="o", markersize=3, label=name)
    if mark_x is not None:
        ax.axvline(mark_x, color="grey", linestyle="--", label=f"chosen: {mark_x:g}")
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.legend()
    ax.grid(alpha=0.3)
    return _save(fig, path)


def plot_paths(
    path: Path,
    alphas: Mapping[str, np.ndarray],
    coefs: Mapping[str, np.ndarray],
    *,
    title: str,
) -> Path:
    """Regularisation paths: one panel per model, each coefficient's value as alpha grows."""
    fig, axes = plt.subplots(1, len(coefs), figsize=(5 * len(coefs), 4), squeeze=False)
    for ax, (name, coef) in zip(axes[0], coefs.items(), strict=True):
        ax.plot(alphas[name], coef)  # coef: (n_alphas, n_features), one line per feature
        ax.set_xscale("log")
        ax.axhline(0, color="black", linewidth=0.5)
        ax.set(title=f"{name}: {title}", xlabel="alpha (regularisation strength)", ylabel="weight")
    return _save(fig, path)


def plot_confusion_matrix(path: Path, matrix: np.ndarray, labels: Sequence[str]) -> Path:
    """A 2×2 (or k×k) confusion matrix with counts written in each cell."""
    fig, ax = plt.subplots(figsize=(4.2, 4))
    ax.imshow(matrix, cmap="Blues")
    for (row, col), count in np.ndenumerate(matrix):
        colour = "white" if count > matrix.max() / 2 else "black"
        ax.text(col, row, str(count), ha="center", va="center", color=colour)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set(xlabel="predicted", ylabel="true", title="Confusion matrix (out-of-fold)")
    return _save(fig, path)


def plot_roc(path: Path, fpr: np.ndarray, tpr: np.ndarray, auc: float) -> Path:
    """ROC curve with the chance diagonal for reference."""
    fig, ax = plt.subplots(figsize=(4.5, 4.2))
    ax.plot(fpr, tpr, label=f"model (AUC = {auc:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="chance (AUC = 0.5)")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC (out-of-fold)")
    ax.legend(loc="lower right")
    return _save(fig, path)


def plot_bars(path: Path, names: Sequence[str], values: Sequence[float], *, title: str) -> Path:
    """Horizontal bars, largest on top (feature importances)."""
    fig, ax = plt.subplots(figsize=(6.5, 0.3 * len(names) + 1.2))
    ax.barh(list(names)[::-1], list(values)[::-1])
    ax.set(title=title, xlabel="importance")
    return _save(fig, path)


def plot_scatter(
    path: Path, points: np.ndarray, labels: np.ndarray, *, title: str, xlabel: str, ylabel: str
) -> Path:
    """2-D points (n, 2) coloured by integer label, with a legend of the labels."""
    fig, ax = plt.subplots(figsize=(6, 5))
    scatter = ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="tab10", s=8, alpha=0.8)
    ax.legend(*scatter.legend_elements(), title="label", fontsize=7, loc="best")
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return _save(fig, path)

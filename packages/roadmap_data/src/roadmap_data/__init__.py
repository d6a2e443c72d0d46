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
    UnknownModelError,
    UnverifiedDataWarning,
)
from roadmap_data.loaders import (
    load_amazon_reviews,
    load_ames,
    load_economics,
    load_mnist,
    load_movielens,
    load_titanic,
    load_tweets,
    locate,
    model_path,
)
from roadmap_data.models import (
    CHAT_MODELS,
    ChatModelCard,
    best_chat_model,
    chat_model,
    installed_chat_models,
)
from roadmap_data.paths import data_dir, runs_dir
from roadmap_data.registry import REGISTRY

__all__ = [
    "CHAT_MODELS",
    "REGISTRY",
    "ChatModelCard",
    "ChecksumError",
    "DataDirError",
    "DataNotFoundError",
    "DownloadError",
    "RoadmapError",
    "UnknownDatasetError",
    "UnknownModelError",
    "UnverifiedDataWarning",
    "best_chat_model",
    "chat_model",
    "data_dir",
    "installed_chat_models",
    "load_amazon_reviews",
    "load_ames",
    "load_economics",
    "load_mnist",
    "load_movielens",
    "load_titanic",
    "load_tweets",
    "locate",
    "model_path",
    "runs_dir",
]

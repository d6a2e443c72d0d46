"""Fetch the roadmap's data: ``uv run scripts/download_data.py --help`` (same as ``uv run download-data``)."""

from roadmap_data.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

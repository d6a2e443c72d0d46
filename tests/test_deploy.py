"""The container, the compose stack and the monitoring config, checked without a Docker
engine: linters and schemas for the syntax, cross-file checks for what no linter sees
(the port the app listens on, the one Docker exposes and the one Prometheus scrapes must be one
number). The dashboard's queries are checked in ``test_dashboard.py``, the workflows that
build and run all this in ``test_workflows.py``.

What these tests cannot do, CI's ``docker`` job does: build the image, run it, poll /healthz.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

import yaml

from m5_agents_mlops.serve.config import ENV_PREFIX, ServeConfig
from roadmap_data.workspace import console_scripts

ROOT = Path(__file__).resolve().parents[1]


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def dockerfile() -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` per instruction, continuation lines joined, comments dropped."""
    lines = [
        ln
        for ln in (ROOT / "Dockerfile").read_text().splitlines()
        if not ln.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [
        (ln.split(None, 1)[0].upper(), ln.split(None, 1)[1])
        for ln in joined.splitlines()
        if ln.strip()
    ]


def instructions(name: str) -> list[str]:
    return [args for instruction, args in dockerfile() if instruction == name]


def compose() -> dict[str, Any]:
    return load_yaml(ROOT / "docker-compose.yml")


def ports(service: dict[str, Any]) -> list[tuple[str, int]]:
    """``(host port, container port)`` of each short-syntax mapping (``[ip:]host:container``)."""
    return [
        (p.split(":")[-2], int(p.split(":")[-1].split("/")[0])) for p in service.get("ports", [])
    ]


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """``{source: target}`` of a service's short-syntax volumes."""
    return {v.split(":")[0]: v.split(":")[1] for v in service.get("volumes", [])}


def api_port() -> int:
    """The port ``serve`` listens on in the container: the Dockerfile's ``--port``."""
    command = json.loads(instructions("CMD")[-1])
    return int(command[command.index("--port") + 1])


# --- (a) hadolint ----------------------------------------------------------------------------


def hadolint(path: Path) -> subprocess.CompletedProcess:
    binary = Path(sys.executable).parent / "hadolint"
    assert binary.exists(), "hadolint is in the dev group: `uv sync` installs it"
    config = ROOT / ".hadolint.yaml"
    command = [str(binary), "--no-color", "--config", str(config), str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_hadolint_passes_with_no_findings_at_any_level() -> None:
    result = hadolint(ROOT / "Dockerfile")
    assert (result.returncode, result.stdout.strip()) == (0, ""), result.stdout + result.stderr


def test_hadolint_has_teeth_and_nothing_is_ignored_without_a_reason(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN pip install fastapi\nUSER root\n")
    result = hadolint(bad)
    assert result.returncode != 0 and {"DL3007", "DL3013", "DL3002"} <= set(
        re.findall(r"DL\d+", result.stdout)
    )
    config_text = (ROOT / ".hadolint.yaml").read_text()
    for rule in yaml.safe_load(config_text).get("ignored") or []:
        line = next(
            ln for ln in config_text.splitlines() if rule in ln and not ln.lstrip().startswith("#")
        )
        assert "#" in line, f"{rule} is ignored without a reason on its line"


# --- (b) docker-compose.yml ------------------------------------------------------------------


def test_compose_file_validates_against_the_compose_spec() -> None:
    """check-jsonschema with the Compose spec's schema it ships (``docker compose config``
    needs the Docker CLI plugin, which these machines lack)."""
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec"]
    result = subprocess.run([*command, str(ROOT / "docker-compose.yml")], capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_services_volumes_ports_and_dependencies_hold_together() -> None:
    spec = compose()
    services, declared_volumes = spec["services"], set(spec.get("volumes") or {})
    host_ports = [host for service in services.values() for host, _ in ports(service)]
    assert len(host_ports) == len(set(host_ports)), f"a host port is published twice: {host_ports}"
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        image = service.get("image", "")
        assert "build" in service or re.search(r":[\w.-]*\d", image), f"{name}: pin {image!r}"
        assert "healthcheck" in service, f"{name} has no healthcheck"
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            assert condition["condition"] in {"service_started", "service_healthy"}
        for source in mounts(service):
            assert source.startswith((".", "/")) or source in declared_volumes, f"{name}: {source}"
        for key, value in (service.get("environment") or {}).items():
            if re.search(r"PASSWORD|SECRET|TOKEN|API_KEY", key):  # never a literal in the file
                assert str(value).startswith("${"), f"{name}: {key} must come from the environment"


def test_servers_match_their_locked_clients_and_api_env_names_real_flags() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    locked = {package["name"]: package["version"] for package in lock["package"]}
    services = compose()["services"]
    assert services["chroma"]["image"].endswith(":" + locked["chromadb"])
    assert services["mlflow"]["image"].endswith(":v" + locked["mlflow-skinny"])
    flags = {ENV_PREFIX + field.name.upper() for field in fields(ServeConfig)}
    env = services["api"]["environment"]
    assert {name for name in env if name.startswith(ENV_PREFIX)} <= flags
    assert env["MLFLOW_TRACKING_URI"] == f"http://mlflow:{ports(services['mlflow'])[0][1]}"
    assert env[ENV_PREFIX + "CHROMA_URL"] == f"http://chroma:{ports(services['chroma'])[0][1]}"


def test_prometheus_scrapes_the_api_on_the_port_it_listens_on() -> None:
    config = load_yaml(ROOT / "deploy" / "prometheus" / "prometheus.yml")
    api = compose()["services"]["api"]
    assert [container for _, container in ports(api)] == [api_port()]
    assert mounts(compose()["services"]["prometheus"])["./deploy/prometheus/prometheus.yml"] == (
        "/etc/prometheus/prometheus.yml"
    )
    (job,) = [job for job in config["scrape_configs"] if job["job_name"] == "serve"]
    assert job.get("metrics_path", "/metrics") == "/metrics"
    assert [f"api:{api_port()}"] == [t for sc in job["static_configs"] for t in sc["targets"]]


# --- (e) the Dockerfile's contract -----------------------------------------------------------


def test_dockerfile_runs_serve_as_non_root_with_a_healthz_check_on_the_exposed_port() -> None:
    command = json.loads(instructions("CMD")[-1])
    assert command[0] in console_scripts(ROOT) and command[0] == "serve"
    assert command[command.index("--host") + 1] == "0.0.0.0"
    assert instructions("EXPOSE") == [str(api_port())]
    (check,) = instructions("HEALTHCHECK")
    assert f"127.0.0.1:{api_port()}/healthz" in check and "python" in check
    assert instructions("USER")[-1].split(":")[0] not in {"root", "0"}
    bases = [args.split()[0] for args in instructions("FROM")]
    assert all(re.search(r":\d[\w.-]*$", base) for base in bases), f"pin every base: {bases}"
    assert len({base for base in bases if base.startswith("python:")}) == 1, "venv moves stages"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "data", ".git"} <= {entry.strip("/") for entry in ignored}


# --- (f) Grafana provisioning ----------------------------------------------------------------


def test_grafana_provisioning_points_at_prometheus_and_at_the_dashboard() -> None:
    provisioning = ROOT / "deploy" / "grafana" / "provisioning"
    (source,) = load_yaml(provisioning / "datasources" / "prometheus.yml")["datasources"]
    services = compose()["services"]
    prometheus_port = ports(services["prometheus"])[0][1]
    assert (source["type"], source["url"]) == ("prometheus", f"http://prometheus:{prometheus_port}")
    (provider,) = load_yaml(provisioning / "dashboards" / "serve.yml")["providers"]
    grafana = mounts(services["grafana"])
    assert grafana["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    assert grafana["./deploy/grafana/dashboards"] == provider["options"]["path"]
    home = services["grafana"]["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home == provider["options"]["path"] + "/serve.json"
    board = json.loads((ROOT / "deploy" / "grafana" / "dashboards" / "serve.json").read_text())
    panels = board["panels"]
    assert len({panel["id"] for panel in panels}) == len(panels) and board["uid"]
    queried = [p for p in panels if p["type"] != "row"]
    sources = [
        s for p in queried for s in (p["datasource"], *(t["datasource"] for t in p["targets"]))
    ]
    assert queried and {s["uid"] for s in sources} == {source["uid"]}

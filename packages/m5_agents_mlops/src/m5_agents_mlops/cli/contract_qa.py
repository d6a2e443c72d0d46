"""``contract-qa``: month 5's capstone. Upload contracts, ask questions, get cited answers.

    uv run contract-qa                        # http://127.0.0.1:8010: sign up, upload, ask
    uv run contract-qa --admins you@example.com   # you may read /admin/traces
    DATABASE_URL=postgresql://user@host/db uv run contract-qa   # PostgreSQL instead of SQLite
    uv run contract-qa --smoke                # sign up, upload a sample, ask, check, stop

Everything runs offline on one machine: the API and the web page (FastAPI), an SQLite file and
an embedded Chroma index under data/contract-qa/, the local chat model (llama.cpp). Sample
contracts to upload (PDF, DOCX) are in the package: `contract-qa --samples` prints where.
Each setting is also read from CONTRACT_QA_<NAME> (CONTRACT_QA_PORT=9000); flags win.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from m5_agents_mlops.contracts.settings import ContractQAConfig, settings_from_environment
from m5_agents_mlops.errors import AgentError
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import RunParser, save_metrics

FLAGS = ["host", "port", "home", "database_url", "chroma_url", "llm", "model", "base_url",
         "llm_threads", "max_upload_mb", "access_minutes", "refresh_days", "admins",
         "log_level"]  # fmt: skip
SAMPLES = Path(str(resources.files("m5_agents_mlops.contracts") / "samples"))
SMOKE_QUESTION = "How much notice is needed to stop the subscription renewing?"


@dataclass
class SmokeReport:
    rows: list[tuple[str, int, str]]
    cited: bool

    def metrics(self) -> dict[str, Any]:
        ok = self.cited and all(status < 400 for _, status, _ in self.rows)
        return {"requests": len(self.rows), "cited": self.cited, "all_ok": ok}


def exercise(base_url: str) -> SmokeReport:
    """Sign up, upload the SaaS sample, ask about its notice period, open the cited clause."""
    import httpx

    rows: list[tuple[str, int, str]] = []
    with httpx.Client(base_url=base_url, timeout=120) as http:
        login = {"email": "smoke@example.com", "password": "correct horse battery 7"}
        tokens = checked(http.post("/api/auth/signup", json=login))
        rows.append(("POST /api/auth/signup", tokens.status_code, "tokens"))
        headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
        sample = (SAMPLES / "saas.pdf").read_bytes()
        files = {"file": ("saas.pdf", sample)}
        upload = checked(http.post("/api/documents", headers=headers, files=files))
        rows.append(("POST /api/documents", upload.status_code,
                     f"{upload.json().get('clauses_count')} clauses"))  # fmt: skip
        question = {"question": SMOKE_QUESTION}
        answer = checked(http.post("/api/ask", headers=headers, json=question)).json()
        cited = answer["citations"][0] if answer["citations"] else None
        label = f"§{cited['number']} {cited['heading']}" if cited else "no citation"
        rows.append(("POST /api/ask", 200, label))
        if cited:
            path = f"/api/documents/{cited['document_id']}/clauses/{cited['clause_id']}"
            clause = http.get(path, headers=headers)
            rows.append((f"GET {path[:40]}…", clause.status_code, "clause text"))
        page = http.get("/")
        rows.append(("GET /", page.status_code, "web page"))
    return SmokeReport(rows, cited is not None)


def checked(response: Any) -> Any:
    """The response, or an error naming the request and the server's reason."""
    if response.status_code >= 400:
        request = f"{response.request.method} {response.request.url.path}"
        raise AgentError(f"{request} answered {response.status_code}: {response.text[:300]}")
    return response


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser("contract-qa", __doc__, ContractQAConfig, flags=FLAGS,
                       preset_help="cpu (default); --smoke: scripted model, one question")  # fmt: skip
    parser.add_argument("--samples", action="store_true", help="print the sample contracts' folder")
    args = parser.parse_args(argv)
    if args.samples:
        console.print(str(SAMPLES))
        return 0
    environment = settings_from_environment()
    config = parser.config(args, **{k: v for k, v in environment.items()
                                    if getattr(args, k, None) is None})  # fmt: skip
    # Imported now: torch, the embedder and the database stack cost seconds `--help` need not pay.
    from m5_agents_mlops.contracts.app import create_app
    from m5_agents_mlops.contracts.wiring import build_context
    from m5_agents_mlops.serve.server import run_forever, serve_in_thread
    from m5_agents_mlops.serve.telemetry import configure_logging

    configure_logging(config.log_level)
    if not args.smoke:
        app = create_app(build_context(config))  # the database and models, before uvicorn
        console.print(f"Contract-QA on http://{config.host}:{config.port}  (Ctrl-C stops)")
        run_forever(app, config.host, config.port)
        return 0
    with tempfile.TemporaryDirectory(prefix="contract-qa-smoke-") as scratch:
        # Its own SQLite file, spelled out: a $DATABASE_URL must not receive the smoke's rows.
        database = f"sqlite:///{Path(scratch) / 'smoke.sqlite'}"
        config = config.replace(home=Path(scratch), database_url=database)
        with serve_in_thread(create_app(build_context(config)), config.host) as base_url:
            report = exercise(base_url)
    print_table("contract-qa --smoke", ["request", "status", "checked"], report.rows)
    console.print(f"metrics → {save_metrics(report, config, config.out)}")
    return 0 if report.metrics()["all_ok"] else 1


if __name__ == "__main__":  # `python -m m5_agents_mlops.cli.contract_qa`
    raise SystemExit(main())

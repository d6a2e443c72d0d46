"""Schemathesis reads the app's OpenAPI schema and throws generated requests at a live server.

Valid and invalid bodies, wrong types, missing fields, odd content types: whatever it sends, the
server must never answer 5xx, and every answer must match the schema it publishes (status codes,
content types, bodies). ``positive_data_acceptance`` (every schema-valid request gets a 2xx) is
left out where a rule cannot be written in JSON Schema: MNIST uploads (a schema says "binary PNG",
not "a PNG with a digit in it") and chat completions (the prompt's total size, unique tool names,
tool-call arguments that parse as a JSON object).
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import sys
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi import checks

from m5_agents_mlops.serve.app import create_app
from m5_agents_mlops.serve.server import serve_in_thread


@pytest.fixture(scope="module")
def live_url(app: FastAPI, client) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The session's models (loaded by ``client``) in a fresh app on a real port; the batcher
    and the lock belong to an event loop, so the new app gets its own."""
    services = dataclasses.replace(app.state.services, mnist_batcher=None, chat_lock=asyncio.Lock())
    with serve_in_thread(create_app(services=services)) as url:
        yield url


# CPython 3.11.0-3.11.7 and 3.12.0-3.12.1 keep one AST recursion counter for all threads
# (python/cpython#106905, fixed in 3.11.8 and 3.12.2). Hypothesis builds ASTs in this thread while
# the server thread runs; a garbage collection inside ``ast.parse`` runs finalisers that let the
# other thread in, and the next parse fails with "SystemError: AST constructor recursion depth
# mismatch". Without the collector, nothing can switch threads inside ``ast.parse``.
SHARED_AST_COUNTER = (3, 11) <= sys.version_info < (3, 11, 8) or (
    (3, 12) <= sys.version_info < (3, 12, 2)
)


@pytest.fixture(autouse=True)
def no_collection_inside_ast_parse() -> Iterator[None]:
    if not SHARED_AST_COUNTER or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


CHECKS = [
    not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


NOT_EXPRESSIBLE = {"/v1/predict/mnist", "/v1/chat/completions"}


def fuzz(operation, mode: GenerationMode, examples: int) -> None:  # type: ignore[no-untyped-def]
    """``examples`` generated requests of ``mode`` against one operation, every check applied."""
    extra = [checks.positive_data_acceptance]
    if operation.path in NOT_EXPRESSIBLE or mode is GenerationMode.NEGATIVE:
        extra = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case) -> None:  # type: ignore[no-untyped-def]
        case.validate_response(case.call(), checks=CHECKS + extra)

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_5xx_and_every_answer_matches_the_schema(live_url: str, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_url(f"{live_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/v1/predict/mnist", "/v1/chat/completions"}
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not operation.body:
            continue  # a GET without parameters has no invalid form to generate
        fuzz(operation, mode, examples=8)

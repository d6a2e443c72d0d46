"""What a client sees when the server, not the request, is the problem: no internals leak."""

from __future__ import annotations

from typing import Any

from m4_genai.errors import GenAIError


def test_a_busy_model_is_a_503_with_retry_after(contract_qa: Any, support: Any) -> None:
    account = contract_qa.signup("busy@example.com")
    account.add("supply.txt", support.contract_text("Acme Ltd", "Beta LLC", "valves").encode())
    contract_qa.ctx.answerer.model.wait_s = 0.05
    with contract_qa.ctx.model_lock:  # another request is generating
        response = account.post("/api/ask", json={"question": "When must notice be given?"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "busy" in response.json()["detail"]
    # Retrieval and the database were not held up: the same question works once the turn is free.
    assert account.post("/api/ask", json={"question": "When must notice be given?"}).is_success


def test_an_unexpected_library_error_hides_its_text_and_names_the_request(
    contract_qa: Any, monkeypatch: Any
) -> None:
    account = contract_qa.signup("oops@example.com")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise GenAIError("chroma at 10.0.0.7: secret internal detail")

    monkeypatch.setattr(contract_qa.ctx.answerer, "ask", broken)
    response = account.post("/api/ask", json={"question": "Anything?"})
    assert response.status_code == 500
    body = response.json()
    assert body["detail"] == "internal server error" and "10.0.0.7" not in response.text
    assert body["request_id"] == response.headers["X-Request-ID"]


def test_an_empty_document_filter_is_refused_not_read_as_all(contract_qa: Any) -> None:
    account = contract_qa.signup("empty@example.com")
    response = account.post("/api/ask", json={"question": "Rent?", "document_ids": []})
    assert response.status_code == 422

"""End to end in a real headless Chromium: sign up → upload → ask → open the cited clause; and an
admin's Traces tab, which shows that question's spans (ask → retrieval, model).

Playwright drives the built UI served by a running Contract-QA server (`contract_qa_url`, from
the conftest: a loopback server on a temporary database). Chromium is Debian's `chromium` where
Playwright's own download is unavailable. A screenshot is saved after each step, into
$CONTRACT_QA_ARTIFACTS when set (CI keeps them), else the test's tmp_path: full pages per step,
and `contract-qa.png`, one 1280×800 screen with the cited clause open (as in the README's
docs/contract-qa.png).
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from m5_contracts_tests_api_support import ADMIN  # type: ignore[import-not-found]

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

SAMPLE = Path(__file__).resolve().parents[2] / "src/m5_agents_mlops/contracts/samples/saas.pdf"
QUESTION = "How much notice is needed to cancel the subscription?"
TODAY = date(2026, 1, 15)  # the deadline's "today": fixed, so the screenshots do not drift
SLOW_MS = 120_000  # upload (parse + embed) and answer (retrieve + generate) on a CPU


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's chromium, else Playwright's downloaded build, else skip with the fix."""
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    with sync_api.sync_playwright() as p:
        bundled = Path(p.chromium.executable_path)
    if bundled.is_file():
        return bundled
    pytest.skip("no Chromium: apt-get install chromium")


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CONTRACT_QA_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def browser_page(chromium_path: Path) -> Iterator[tuple[Any, list[str]]]:
    """A 1280×800 page in a fresh headless Chromium, and the list its console errors go to."""
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=["--no-sandbox"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            yield page, errors
        finally:
            browser.close()


def sign_up_and_upload(page: Any, url: str, email: str) -> None:
    """Create the account `email`, sign in, upload SAMPLE and wait until it is listed."""
    page.goto(url)
    page.get_by_test_id("auth-switch").click()  # "Create an account"
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("Str0ng-browser-pass!")
    page.get_by_test_id("auth-submit").click()
    expect(page.get_by_test_id("user-email")).to_have_text(email)
    page.get_by_label("Upload a contract").set_input_files(SAMPLE)
    row = page.get_by_test_id("document-row").filter(has_text=SAMPLE.name)
    expect(row).to_have_count(1, timeout=SLOW_MS)


@pytest.mark.slow
def test_sign_up_upload_ask_and_open_the_cited_clause(
    contract_qa_url: str, chromium_path: Path, artifacts: Path
) -> None:
    assert SAMPLE.is_file(), f"the sample contract is missing: {SAMPLE}"
    with browser_page(chromium_path) as (page, errors):

        def shot(name: str) -> None:  # the whole page, however long
            page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)

        page.goto(contract_qa_url)
        page.get_by_test_id("auth-switch").click()  # "Create an account"
        email = f"browser-{uuid.uuid4().hex[:8]}@example.com"
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill("Str0ng-browser-pass!")
        shot("01-sign-up")
        page.get_by_test_id("auth-submit").click()
        expect(page.get_by_test_id("user-email")).to_have_text(email)

        page.get_by_label("Upload a contract").set_input_files(SAMPLE)
        row = page.get_by_test_id("document-row").filter(has_text=SAMPLE.name)
        expect(row).to_have_count(1, timeout=SLOW_MS)

        # The new document is selected: its extracted facts and its notice deadline.
        panel = page.get_by_test_id("document-panel")
        notice = panel.get_by_test_id("fact-row").filter(has_text="Notice period")
        duration = re.compile(r"^\d+ (business day|day|week|month|year)s?$")  # "90 days"
        expect(notice.locator("td").first).to_have_text(duration)
        panel.get_by_label("Today (optional)").fill(TODAY.isoformat())
        panel.get_by_role("button", name="Compute the notice deadline").click()
        result = panel.get_by_test_id("deadline-result").locator("div")
        last_day = result.filter(has=page.locator("dt", has_text=re.compile(r"^Last day$")))
        expect(last_day.locator("dd")).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
        assert date.fromisoformat(last_day.locator("dd").inner_text()) > TODAY
        shot("02-uploaded")

        page.get_by_label("Ask about your contracts").fill(QUESTION)
        page.get_by_test_id("ask-button").click()
        answer = page.get_by_test_id("answer").last
        expect(answer).to_have_attribute("data-answered", "true", timeout=SLOW_MS)
        citation = answer.get_by_test_id("citation").first
        expect(citation).to_be_visible()
        shot("03-answer")

        cited = citation.get_attribute("aria-label") or ""  # "[1] saas.pdf, §7 Termination"
        citation.click()
        view = page.get_by_test_id("clause-view")
        expect(view.get_by_test_id("clause-text")).to_contain_text(re.compile(r"notice", re.I))
        heading = view.get_by_test_id("clause-heading").inner_text()
        assert heading and heading in cited, f"opened {heading!r}, but the citation says {cited!r}"
        expect(view.get_by_test_id("clause-document")).to_have_text(SAMPLE.name)
        shot("04-clause")
        # What the README shows: one screen, the answer with its cited clause open.
        page.screenshot(path=str(artifacts / "contract-qa.png"))
        # Not an admin (long signed in by now, so /api/me has answered): no Traces tab.
        expect(page.get_by_test_id("traces-tab")).to_have_count(0)
    assert not errors, f"console errors in the page: {errors}"


@pytest.mark.slow
def test_admin_reads_the_trace_of_a_question(
    contract_qa_url: str, chromium_path: Path, artifacts: Path
) -> None:
    with browser_page(chromium_path) as (page, errors):
        sign_up_and_upload(page, contract_qa_url, ADMIN)  # in the server's admins
        page.get_by_label("Ask about your contracts").fill(QUESTION)
        page.get_by_test_id("ask-button").click()
        answer = page.get_by_test_id("answer").last
        expect(answer).to_have_attribute("data-answered", "true", timeout=SLOW_MS)
        page.get_by_test_id("traces-tab").click()
        trace = page.get_by_test_id("trace").filter(has_text=QUESTION)
        expect(trace).to_have_count(1)
        names = trace.get_by_test_id("span").locator(".span-name").all_inner_texts()
        assert {"ask", "retrieval", "model"} <= set(names), names
        expect(trace.get_by_test_id("span").first).to_have_attribute("data-name", "ask")
        page.screenshot(path=str(artifacts / "05-traces.png"), full_page=True)
    assert not errors, f"console errors in the page: {errors}"

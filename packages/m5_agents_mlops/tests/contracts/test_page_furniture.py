"""Page numbers and running headers/footers leave a PDF's text; clause text stays."""

from __future__ import annotations

from m5_agents_mlops.contracts.page_furniture import strip_page_furniture


def test_footers_headers_and_page_numbers_go_clause_lines_stay() -> None:
    pages = [
        "ACME LEASE - CONFIDENTIAL\n1. Rent\nThe rent is 12 per year.\nPage 1 of 3",
        "ACME LEASE - CONFIDENTIAL\ncontinued on page 2.\n2. Term\nTen years.\n- 2 -",
        "ACME LEASE - CONFIDENTIAL\n3. Notice\nSix months.\n3\n\n",
    ]
    cleaned = strip_page_furniture(pages)
    assert cleaned == [
        "1. Rent\nThe rent is 12 per year.",
        "continued on page 2.\n2. Term\nTen years.",
        "3. Notice\nSix months.",
    ]


def test_a_short_document_keeps_repeated_lines_and_the_middle_is_never_touched() -> None:
    pages = ["Draft\n1. Scope\n42\nPage 1", "Draft\n2. Fees\nUSD 10.\nPage 2"]
    cleaned = strip_page_furniture(pages)
    assert cleaned == ["Draft\n1. Scope\n42", "Draft\n2. Fees\nUSD 10."]  # 2 pages: no "most"
    assert strip_page_furniture(["7/12"]) == [""] and strip_page_furniture([]) == []

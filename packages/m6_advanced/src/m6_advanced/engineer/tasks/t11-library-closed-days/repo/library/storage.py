"""Saving the library to one JSON file and reading it back (the nightly backup)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from library.catalog import Catalog, Copy, CopyStatus, MediaType, Title
from library.loans import Loan, LoanLedger
from library.members import Member, MemberRegistry, MemberType
from library.money import Money

FORMAT_VERSION = 1


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def dump_state(catalog: Catalog, members: MemberRegistry, loans: LoanLedger) -> dict[str, Any]:
    return {
        "version": FORMAT_VERSION,
        "titles": [
            {
                "isbn": t.isbn,
                "name": t.name,
                "author": t.author,
                "year": t.year,
                "media": t.media.value,
                "subjects": t.subjects,
            }
            for t in catalog.titles.values()
        ],
        "copies": [
            {
                "barcode": c.barcode,
                "isbn": c.isbn,
                "cost": c.replacement_cost.cents,
                "status": c.status.value,
                "shelf": c.shelf,
            }
            for c in catalog.copies.values()
        ],
        "members": [
            {
                "id": m.id,
                "name": m.name,
                "email": m.email,
                "type": m.type.value,
                "joined": _iso(m.joined),
                "expires": _iso(m.expires),
                "blocked": m.blocked_reason,
            }
            for m in members.members.values()
        ],
        "loans": [
            {
                "barcode": x.barcode,
                "member": x.member_id,
                "start": _iso(x.start),
                "due": _iso(x.due),
                "renewals": x.renewals,
                "returned": _iso(x.returned),
            }
            for x in loans.loans
        ],
    }


def load_state(data: dict[str, Any]) -> tuple[Catalog, MemberRegistry, LoanLedger]:
    if data.get("version") != FORMAT_VERSION:
        raise ValueError(f"unsupported backup version {data.get('version')!r}")
    catalog, members, loans = Catalog(), MemberRegistry(), LoanLedger()
    for t in data["titles"]:
        catalog.titles[t["isbn"]] = Title(
            t["isbn"], t["name"], t["author"], t["year"], MediaType(t["media"]), list(t["subjects"])
        )
    for c in data["copies"]:
        catalog.copies[c["barcode"]] = Copy(
            c["barcode"], c["isbn"], Money(c["cost"]), CopyStatus(c["status"]), c["shelf"]
        )
    catalog._barcodes.used.update(catalog.copies)
    for m in data["members"]:
        members.members[m["id"]] = Member(
            m["id"],
            m["name"],
            m["email"],
            MemberType(m["type"]),
            _day(m["joined"]),
            _day(m["expires"]),
            m["blocked"],
        )
    members._numbers.used.update(members.members)
    for x in data["loans"]:
        loans.loans.append(
            Loan(
                x["barcode"],
                x["member"],
                _day(x["start"]),
                _day(x["due"]),
                x["renewals"],
                _day(x["returned"]),
            )
        )
    return catalog, members, loans


def save(path: Path, catalog: Catalog, members: MemberRegistry, loans: LoanLedger) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(
        json.dumps(dump_state(catalog, members, loans), indent=1), encoding="utf-8"
    )
    temporary.replace(path)


def load(path: Path) -> tuple[Catalog, MemberRegistry, LoanLedger]:
    return load_state(json.loads(path.read_text(encoding="utf-8")))

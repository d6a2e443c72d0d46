"""eval-rag's inputs: the shipped golden sets, golden-file errors, and --config parsing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from m6_advanced.errors import EvalConfigError, GoldenFileError
from m6_advanced.evaluation.golden import GoldenItem, load_golden_file, select
from m6_advanced.evaluation.golden_build import contract_items, unverbatim_contexts
from m6_advanced.evaluation.setups import EXAMPLES, parse_setups


@pytest.mark.parametrize("name", ["pydoc", "contracts"])
def test_shipped_sets_have_verbatim_contexts(name: str) -> None:
    """Every reference context is a passage of a cited corpus file (whitespace collapsed)."""
    assert unverbatim_contexts(name) == []


def test_pydoc_set_covers_month_4s_test_questions() -> None:
    from m4_genai.golden.sets import load_golden

    items = {item.id: item for item in load_golden_file("pydoc")}
    month4 = load_golden("pydoc_topics")
    tests = [q for q in month4 if q.split == "test"]
    assert all(q.id in items and items[q.id].question == q.question for q in tests)
    assert all(items[q.id].split == q.split for q in month4 if q.id in items)  # splits kept
    answerable_dev = [i for i in items.values() if i.split == "dev" and i.answerable]
    assert len(answerable_dev) >= 30
    unanswerable = [i for i in items.values() if not i.answerable]
    assert {i.split for i in unanswerable} == {"dev", "test"}
    assert all(i.reference == "I don't know." and not i.sources for i in unanswerable)


def test_contract_set_is_regenerated_exactly_by_its_script() -> None:
    assert contract_items() == load_golden_file("contracts")
    items = load_golden_file("contracts")
    assert len(items) == 60 and sum(not i.answerable for i in items) == 16


def _write(tmp_path: Path, *rows: object) -> Path:
    path = tmp_path / "golden.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


GOOD = {"id": "a", "split": "dev", "question": "Q?", "reference": "R."}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({k: v for k, v in GOOD.items() if k != "reference"}, r"golden.jsonl:2: missing field 'reference'"),
        ({**GOOD, "id": "b", "split": "train"}, r"golden.jsonl:2: field 'split' must be 'dev' or 'test'"),
        ({**GOOD, "id": "b", "reference_contexts": "text"}, r":2: field 'reference_contexts' must be a list"),
        ({**GOOD, "question": "  "}, r":2: field 'question' must be a non-empty string"),
        (GOOD, r":2: duplicate id 'a'"),
        ("{not json", r":2: not valid JSON"),
    ],
)  # fmt: skip
def test_golden_file_errors_name_line_and_field(tmp_path: Path, bad: object, message: str) -> None:
    with pytest.raises(GoldenFileError, match=message):
        load_golden_file(_write(tmp_path, GOOD, bad))


def test_non_utf8_golden_and_config_files_are_clear_errors(tmp_path: Path) -> None:
    golden = tmp_path / "golden.jsonl"
    golden.write_bytes(
        json.dumps({**GOOD, "question": "Qué?"}, ensure_ascii=False).encode("latin-1")
    )
    with pytest.raises(GoldenFileError, match=r"golden\.jsonl: not UTF-8"):
        load_golden_file(golden)
    for name in ("setups.toml", "setups.json"):
        (tmp_path / name).write_bytes('name = "café"'.encode("latin-1"))
        with pytest.raises(EvalConfigError, match=f"{name}: not UTF-8"):
            parse_setups([str(tmp_path / name)])


def test_missing_golden_file_lists_the_shipped_sets(tmp_path: Path) -> None:
    with pytest.raises(GoldenFileError, match="pydoc, contracts"):
        load_golden_file(tmp_path / "nope.jsonl")


def test_select_limit_is_seeded_and_keeps_an_unanswerable_question() -> None:
    items = [GoldenItem(f"q{n}", "test", "Q?", "R.", ("ctx",)) for n in range(20)]
    items.append(GoldenItem("none", "test", "Q?", "I don't know."))
    picked = select(items, "test", limit=4, seed=1)
    assert len(picked) == 4 and any(not item.answerable for item in picked)
    assert picked == select(items, "test", limit=4, seed=1)
    assert select(items, "dev") == []


def test_config_spellings_example_inline_and_files(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps([{"name": "j1", "k": 4}, {"name": "j2"}]))
    (tmp_path / "b.toml").write_text('[[configs]]\nname = "t1"\nmode = "bm25"\nrerank = true\n')
    setups = parse_setups(["hybrid-k5", "wide:mode=dense,k=5,chunk_size=400,chunk_overlap=40",
                           str(tmp_path / "a.json"), str(tmp_path / "b.toml")])  # fmt: skip
    assert [s.name for s in setups] == ["hybrid-k5", "wide", "j1", "j2", "t1"]
    assert setups[0].k == EXAMPLES["hybrid-k5"]["k"] and setups[1].mode == "dense"
    assert setups[1].index_key == "c400-o40" and setups[2].k == 4 and setups[4].rerank is True


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("x:mode=fuzzy", "mode must be one of"),
        ("x:topk=3", r"unknown RagSetup key\(s\): topk"),
        ("x:k", "expected key=value"),
        ("x:chunk_size=100,chunk_overlap=100", "chunk_overlap must be below chunk_size"),
        ("nonsense", "not an example"),
        ("missing.toml", "file not found"),
        ("bad name:k=3", "letters, digits"),
    ],
)
def test_config_errors_are_one_clear_line(spec: str, message: str) -> None:
    with pytest.raises(EvalConfigError, match=message):
        parse_setups([spec])


def test_config_names_must_be_unique() -> None:
    with pytest.raises(EvalConfigError, match="repeated: dense-k3"):
        parse_setups(["dense-k3", "dense-k3:k=5"])

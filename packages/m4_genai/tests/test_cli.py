"""``rag`` and ``ask-repo`` in-process: bad input → exit 2 and one ``error:`` line; real runs cite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from m4_genai.cli import ask_repo
from m4_genai.cli import rag as rag_cli
from m4_genai.golden import load_golden, write_pydoc_corpus
from m4_genai.retrieval.repo import is_git_url, repo_files
from roadmap_data.paths import repo_root


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_rag_ask_on_an_empty_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = rag_cli.main(
        [
            "ask",
            "anything?",
            "--index",
            str(tmp_path / "idx"),
            "--llm",
            "scripted",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 2
    assert error_line(capsys).startswith("error: the index is empty")


def test_rag_index_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = rag_cli.main(["index", str(tmp_path / "nope"), "--index", str(tmp_path / "i")])
    assert code == 2
    assert error_line(capsys) == f"error: {tmp_path / 'nope'}: no such file or folder"


def test_rag_index_an_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert rag_cli.main(["index", str(tmp_path / "empty"), "--index", str(tmp_path / "i")]) == 2
    assert "no files found" in error_line(capsys)


def test_rag_empty_question(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert rag_cli.main(["ask", "  ", "--llm", "scripted", "--index", str(tmp_path)]) == 2
    assert error_line(capsys) == "error: the question is empty"


def test_rag_unknown_mode_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        rag_cli.main(["ask", "q", "--mode", "fuzzy"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'fuzzy'" in capsys.readouterr().err


def test_ask_repo_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ask_repo.main([str(tmp_path / "nope"), "q?", "--llm", "scripted"]) == 2
    assert (
        error_line(capsys)
        == f"error: {tmp_path / 'nope'}: not a folder (give a repository path or a git URL)"
    )


def test_ask_repo_git_url_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setenv("AI_ROADMAP_DATA", str(tmp_path))
    assert ask_repo.main(["https://github.com/example/repo.git", "q?", "--llm", "scripted"]) == 2
    line = error_line(capsys)
    assert line.startswith(
        "error: cannot clone https://github.com/example/repo.git: github.com is unreachable"
    )


def test_ask_repo_needs_a_question(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        ask_repo.main(["."])
    assert exit_info.value.code == 2


def test_ask_repo_folder_without_sources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "logo.png").write_bytes(b"\x89PNG")
    assert (
        ask_repo.main(
            [str(tmp_path / "repo"), "q?", "--llm", "scripted", "--index", str(tmp_path / "i")]
        )
        == 2
    )
    assert "no source or text files" in error_line(capsys)


def test_unknown_llm_option_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("x")
    code = rag_cli.main(
        ["ask", "q?", "--llm", "local", "--base-url", "http://x", "--index", str(tmp_path)]
    )
    assert code == 2
    assert error_line(capsys).startswith("error: unknown option(s) ['base_url']")


@pytest.mark.slow
def test_rag_index_then_ask_with_the_scripted_model(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "corpus"
    write_pydoc_corpus(corpus, ["while", "lambda", "import"])
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 junk")
    index, out = tmp_path / "index", tmp_path / "out"
    assert rag_cli.main(["index", str(corpus), "--index", str(index), "--out", str(out)]) == 0
    assert "warning: skipped broken.pdf: corrupt PDF" in capsys.readouterr().out.replace("\n", " ")
    assert rag_cli.main(["index", str(corpus), "--index", str(index), "--out", str(out)]) == 0
    assert json.loads((out / "metrics.json").read_text())["files_unchanged"] == 3
    question = "How do I write a small anonymous function?"
    assert (
        rag_cli.main(
            ["ask", question, "--index", str(index), "--llm", "scripted", "--out", str(out)]
        )
        == 0
    )
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["sources"][0].startswith("lambda.txt:")
    assert metrics["answer"].endswith("[1]") and metrics["answered_by_model"]
    off_topic = "Which painter created the Mona Lisa?"
    assert (
        rag_cli.main(
            ["ask", off_topic, "--index", str(index), "--llm", "scripted", "--out", str(out)]
        )
        == 0
    )
    assert json.loads((out / "metrics.json").read_text())["answer"] == "I don't know."


@pytest.mark.slow
def test_ask_repo_cites_file_and_line_for_the_data_registry(tmp_path: Path) -> None:
    root = repo_root()
    if root is None:
        pytest.skip("needs the repository checkout")
    out = tmp_path / "out"
    # The acceptance question of the month; only the registry package's source is indexed, to
    # stay fast. Dense retrieval: since the package also holds MLflow's model-registry helpers
    # (runkit/), hybrid ranks runkit/stores.py first on its shared words ("data", "registry"),
    # the held-out weakness of hybrid that issue 11 is about.
    code = ask_repo.main(
        [str(root), "where is the data registry?", "--only", "packages/roadmap_data/src",
         "--mode", "dense", "--llm", "scripted", "--index", str(tmp_path / "i"), "--out", str(out)]
    )  # fmt: skip
    assert code == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["sources"][0].startswith("packages/roadmap_data/src/roadmap_data/registry.py:")
    assert metrics["answer"].endswith("[1]")


def test_repo_files_respect_gitignore_and_skip_noise(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    for name, text in {
        "app.py": "def main():\n    pass\n",
        "README.md": "# App\n",
        "secret.py": "KEY = 1\n",
        ".gitignore": "secret.py\n",
        "uv.lock": "lock\n",
        "node_modules/lib.js": "function f() {}\n",
        "data/notes.md": "raw data\n",
        "logo.png": "binary",
    }.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert [name for _, name in repo_files(repo)] == ["README.md", "app.py"]
    assert [name for _, name in repo_files(repo, only=["node_modules"])] == []
    shutil.rmtree(repo / ".git")  # not a git checkout: the walk applies the same skips
    assert [name for _, name in repo_files(repo)] == ["README.md", "app.py", "secret.py"]


def test_git_url_detection() -> None:
    assert is_git_url("https://github.com/pallets/click")
    assert is_git_url("git@github.com:pallets/click.git")
    assert not is_git_url(".")


def test_repository_golden_questions_name_files_that_exist() -> None:
    """A file moved without updating repo_code.jsonl would silently lower ask-repo's score."""
    root = repo_root()
    if root is None:
        pytest.skip("needs the repository checkout")
    missing = [
        (q.id, source)
        for q in load_golden("repo_code")
        for source in q.sources
        if not (root / source).is_file()
    ]
    assert missing == []

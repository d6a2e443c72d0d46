"""The resume ranker: parsing (three formats, edge cases), NDCG vs scikit-learn, real ranking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from m4_genai.cli import rank_resumes
from m4_genai.errors import DocumentError
from m4_genai.resumes.evaluate import evaluate, mean_by_split, ndcg_at_k
from m4_genai.resumes.formats import (
    SUFFIXES,
    load_folder,
    read_resume_text,
    sample_jobs,
    sample_labels,
    sample_texts,
    write_docx,
    write_pdf,
    write_samples,
)
from m4_genai.resumes.parse import find_email, find_phone, parse_resume, years_of_experience
from m4_genai.resumes.rank import ResumeRanker, parse_job
from m4_genai.resumes.skills import canonical, find_skills

AS_OF = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 24 sample resumes written as PDF, DOCX and TXT in turn (one folder, like an upload)."""
    folder = tmp_path_factory.mktemp("resumes")
    write_samples(folder)
    return folder


@pytest.fixture(scope="module")
def ranker(samples: Path) -> ResumeRanker:
    """The real MiniLM ranker, built once, on the 14 samples that matter to the dev jobs: every
    resume graded 1-3 for one of them, and the Go engineer (the must-have case). 146 sentences
    to embed instead of 239; the 10 left out are graded 0 for both dev jobs."""
    labels = sample_labels()["jobs"]
    keep = {"16-ivan-petrov"} | {
        source
        for entry in labels.values()
        if entry["split"] == "dev"
        for source, grade in entry["grades"].items()
        if grade >= 1
    }
    resumes = [r for r in load_folder(samples, AS_OF).resumes if r.source in keep]
    assert len(resumes) == 14
    return ResumeRanker(resumes)


# --- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_every_format_parses_to_the_fields_of_its_text(suffix: str, samples: Path) -> None:
    texts = sample_texts()
    files = sorted(samples.glob(f"*{suffix}"))
    assert len(texts) >= 20 and len(files) >= 6  # the samples cycle through PDF, DOCX, TXT
    for path in files:
        from_file = parse_resume(read_resume_text(path), path.stem, AS_OF)
        from_text = parse_resume(texts[path.stem], path.stem, AS_OF)
        assert from_file.fields() == from_text.fields(), path.name
        assert from_file.sentences == from_text.sentences, path.name


def test_a_sample_resume_parses_into_its_fields() -> None:
    resume = parse_resume(sample_texts()["01-maria-gonzalez"], "maria", AS_OF)
    assert resume.name == "Maria Gonzalez"
    assert resume.email == "maria.gonzalez@example.com"
    assert resume.phone == "+14155550134"
    assert resume.years == pytest.approx(10.7)  # Jun 2015 → Jan 2026, three jobs back to back
    assert resume.degree == "Bachelor"
    assert resume.titles == ["Senior Backend Engineer", "Backend Engineer", "Software Developer"]
    assert {"Python", "FastAPI", "PostgreSQL", "Docker", "AWS"} <= set(resume.skills)
    all_caps = parse_resume(sample_texts()["02-thomas-becker"], "thomas", AS_OF)
    assert (all_caps.name, all_caps.phone, all_caps.degree) == (
        "Thomas Becker",
        "+493090182044",
        "Master",
    )


def test_every_sample_has_name_email_phone_years_and_titles() -> None:
    for resume_id, text in sample_texts().items():
        resume = parse_resume(text, resume_id, AS_OF)
        assert resume.name and resume.email and resume.phone, resume_id
        assert resume.years is not None and resume.titles and resume.skills, resume_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Contact: Jane.Doe@Example.COM.", "jane.doe@example.com"),  # case, trailing full stop
        ("mailto:a.b+jobs@mail.uni-berlin.de | 030", "a.b+jobs@mail.uni-berlin.de"),
        ("(jsmith@example.org)", "jsmith@example.org"),
        ("no address here @ all", None),
    ],
)
def test_email_extraction(text: str, expected: str | None) -> None:
    assert find_email(text) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["+1 (415) 555-0134 | San Francisco"], "+14155550134"),
        (["415.555.0188"], "4155550188"),
        (["Tel.: 0171 5550123"], "01715550123"),
        (["+44 20 7946 0958"], "+442079460958"),
        (["Studied 2015 - 2019", "Mobile: 617-555-0121"], "6175550121"),  # a year range is no phone
        (["Room 555-01, building 7"], None),  # too few digits
        (["Born 12/05/1990"], None),
    ],
)
def test_phone_extraction(lines: list[str], expected: str | None) -> None:
    assert find_phone(lines) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Engineer | Jan 2019 - Dec 2019"], 1.0),  # both months count
        (["A | 2015 - 2019"], 4.0),  # bare years: the difference
        (["A | 03/2017 - 08/2020"], 3.5),
        (["A | Jan 2018 - Dec 2020", "B | Jun 2019 - Jun 2020"], 3.0),  # overlap counted once
        (["A | 2010 - 2012", "B | 2020 - 2021"], 3.0),  # a gap is not experience
        (["A | Jul 2025 - Present"], 0.6),  # present = Jan 2026, counted
        (["A | June 2020 to now"], 5.7),  # 68 months
        (["No dates at all"], None),
    ],
)
def test_years_from_date_ranges(lines: list[str], expected: float | None) -> None:
    assert years_of_experience(lines, AS_OF) == expected


def test_years_stated_explicitly_win_and_education_dates_do_not_count() -> None:
    text = "Ann Lee\nSummary\n12+ years of software experience.\nExperience\nDev | 2022 - 2024\n"
    assert parse_resume(text, as_of=AS_OF).years == 12.0
    school = "Bo Chen\nExperience\nDev | 2023 - 2024\nEducation\nB.Sc. Physics, 2010 - 2014\n"
    assert parse_resume(school, as_of=AS_OF).years == 1.0


def test_skills_vocabulary_spellings_and_boundaries() -> None:
    assert canonical("k8s") == canonical("EKS") == "Kubernetes"
    assert canonical("postgres") == "PostgreSQL"
    assert find_skills("JavaScript and C++", implied=False) == ["C++", "JavaScript"]  # no Java/C
    assert "Go" not in find_skills("I go to work and want to go to meetups")
    assert "data visualization" in find_skills("Tableau dashboards")  # implied by Tableau


def test_docx_tables_and_smart_quotes_are_read(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Sean O\u2019Neill")  # Word's autocorrect apostrophe
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "sean@example.com", "+353 1 555 0100"
    document.add_paragraph("Experience")
    document.add_paragraph("Data Analyst | Mar 2020 - Feb 2022")
    document.save(str(tmp_path / "sean.docx"))
    resume = parse_resume(read_resume_text(tmp_path / "sean.docx"), as_of=AS_OF)
    assert (resume.name, resume.email, resume.phone) == (
        "Sean O'Neill",
        "sean@example.com",
        "+35315550100",
    )
    assert (resume.titles, resume.years) == (["Data Analyst"], 2.0)


# --- bad files ---------------------------------------------------------------------------------


def test_corrupt_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(sample_texts()["06-olivia-martin"])
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 truncated zip")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    loaded = load_folder(tmp_path, AS_OF)
    assert [r.source for r in loaded.resumes] == ["good"]
    reasons = dict(loaded.skipped)
    assert set(reasons) == {"broken.pdf", "broken.docx", "photo.png"}
    assert "corrupt PDF" in reasons["broken.pdf"] and "corrupt DOCX" in reasons["broken.docx"]
    assert "unsupported file type '.png'" in reasons["photo.png"]


def test_a_folder_without_readable_resumes_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such folder"):
        load_folder(tmp_path / "missing")
    (tmp_path / "broken.pdf").write_bytes(b"not a pdf")
    with pytest.raises(DocumentError, match="no readable"):
        load_folder(tmp_path)


def test_cli_bad_input_is_one_error_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = ["--out", str(tmp_path / "run")]
    assert rank_resumes.main(["--resumes", str(tmp_path / "nope"), *out]) == 2
    assert rank_resumes.main(["--job", str(tmp_path / "job.txt"), *out]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("error: ") for line in err)
    assert "no such folder" in err[0] and "sample jobs: " in err[1]


# --- metric ------------------------------------------------------------------------------------


def test_ndcg_matches_scikit_learn() -> None:
    rng = np.random.default_rng(0)
    for trial in range(20):
        grades = rng.integers(0, 4, size=12)
        scores = rng.permutation(12).astype(float)  # no ties: sklearn averages tied places
        ids = [f"r{i}" for i in range(12)]
        ranking = [ids[i] for i in np.argsort(-scores)]
        for k in (1, 3, 5, 12):
            ours = ndcg_at_k(ranking, dict(zip(ids, grades.tolist(), strict=True)), k)
            assert ours == pytest.approx(ndcg_score([grades], [scores], k=k)), (trial, k)
    assert ndcg_at_k(["a", "b"], {"a": 0, "b": 3}, k=1) == 0.0


# --- ranking with the real embedder ------------------------------------------------------------


@pytest.mark.slow
def test_ranking_puts_the_labelled_best_first_on_the_dev_jobs(ranker: ResumeRanker) -> None:
    labels = sample_labels()["jobs"]
    for name in [n for n, entry in labels.items() if entry["split"] == "dev"]:
        ranked = ranker.rank(parse_job(sample_jobs()[name], name))
        grades = labels[name]["grades"]
        assert grades[ranked[0].resume.source] == 3, name
        top = ranked[0]
        assert top.matched and not top.missing and top.terms
        assert all(sentence in top.resume.sentences for sentence, _ in top.sentences)


@pytest.mark.slow
def test_must_have_filter_and_dev_ndcg(ranker: ResumeRanker) -> None:
    job = parse_job(sample_jobs()["backend-python"], "backend-python")
    ranked = ranker.rank(job)
    flags = [bool(r.missing) for r in ranked]
    assert flags == sorted(flags)  # every candidate missing a must-have comes after the others
    by_id = {r.resume.source: r for r in ranked}
    assert by_id["16-ivan-petrov"].missing == ["Python"]  # a Go engineer
    strict = ranker.rank(job, strict=True)
    assert strict and not any(r.missing for r in strict) and len(strict) < len(ranked)
    labels = sample_labels()
    dev_jobs = [n for n, entry in labels["jobs"].items() if entry["split"] == "dev"]
    jobs = [parse_job(sample_jobs()[name], name) for name in dev_jobs]  # never tune on test
    dev = mean_by_split(evaluate(ranker, jobs, labels))["dev"]
    assert dev["fused+must-have"] >= 0.9  # measured 0.96 on these 14 (0.98 on all 24, weighted)
    assert dev["fused+must-have"] >= dev["dense"]


def test_cli_ranks_a_folder_and_skips_a_corrupt_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cvs"
    folder.mkdir()
    texts = sample_texts()  # three candidates, three formats: two front-end developers, a nurse
    write_pdf(texts["07-lucas-ferreira"], folder / "lucas.pdf")
    write_docx(texts["08-emma-johansson"], folder / "emma.docx")
    (folder / "rachel.txt").write_text(texts["11-rachel-adams"])
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4 garbage")
    out = tmp_path / "run"
    # --embedder hashing: this checks the plumbing; the real MiniLM ranks in the tests above
    args = ["--job", "frontend-react", "--resumes", str(folder), "--out", str(out)]
    code = rank_resumes.main([*args, "--embedder", "hashing"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "warning: skipped scan.pdf" in printed
    metrics = (out / "metrics.json").read_text()
    assert '"lucas"' in metrics.split('"ranking"')[1][:200]  # ranked first

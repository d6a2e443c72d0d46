"""The engineer's output: a branch with one commit, the patch, and a pull-request description.

    branch = branch_name(issue)                                   # engineer/7-add-subtracts
    info = commit_branch(workdir, branch, commit_message(issue, summary))
    text = pr_description(issue, summary, info.files, info.stat, [("pytest -q", "3 passed")])
    write_outputs(out_dir, info, text)                            # patch.diff + pr.md

``workdir`` is the working copy the agent edited: a git repository whose HEAD is the base commit
(``sandbox.Workspace`` builds it). Everything here is plain ``git`` run as a subprocess, so the
result is an ordinary branch a person can ``git log``, ``git show`` or push.

The commit is made the same way every time, whatever the machine's git configuration says:

- a fixed identity (``-c user.name -c user.email``): the commit says a program wrote it, and it
  works on a machine (a container, CI) where nobody ran ``git config user.email``;
- no signing (``commit.gpgsign=false``): a signing setup would prompt, or fail, in a batch run;
- **no hooks** (``--no-verify`` and ``core.hooksPath`` pointed at an empty folder): a hook is
  code from the repository being fixed, and the engineer must not run the repository's code
  outside the sandbox just by committing;
- ``GIT_*`` variables from the caller are dropped (``GIT_DIR`` set by an outer hook would point
  git at another repository).

The description is what a reviewer reads first, so it says what changed (files and stat), why
(the agent's summary, tied to the issue with ``Fixes #N`` so merging closes it), which tests ran
with their result, and that a program wrote it: it needs a human's review before merging.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from m6_advanced.engineer.issue_source import Issue
from m6_advanced.errors import GitError

DEFAULT_AUTHOR = "AI Roadmap Engineer <engineer@localhost>"
MAX_BRANCH_CHARS = 60


@dataclass(frozen=True)
class CommitInfo:
    """The commit ``commit_branch`` made, and the change it holds."""

    branch: str
    sha: str
    base: str
    patch: str
    """``git diff base sha``: apply it to the base with ``git apply patch.diff``."""
    files: list[str]
    stat: str


def slug(text: str, limit: int) -> str:
    """Lowercase letters, digits and single dashes: always a valid piece of a git ref name."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:limit].rstrip("-")


def branch_name(issue: Issue) -> str:
    """``engineer/<number>-<slug>`` (or ``engineer/<slug>``), at most 60 characters."""
    prefix = f"engineer/{issue.number}-" if issue.number is not None else "engineer/"
    return prefix + (slug(issue.title, MAX_BRANCH_CHARS - len(prefix)) or "issue")


def commit_message(issue: Issue, summary: str) -> str:
    """A subject line naming the issue (at most 72 characters), a blank line, the summary."""
    subject = f"Fix #{issue.number}: {issue.title}" if issue.number is not None else issue.title
    if len(subject) > 72:
        subject = subject[:71].rstrip() + "…"
    lines = [subject, "", summary.strip() or "Change made by the autonomous engineer."]
    if issue.url:
        lines += ["", f"Issue: {issue.url}"]
    return "\n".join(lines) + "\n"


def git(repo: Path, *args: str, git_dir: Path | None = None) -> str:
    """Run ``git -C repo args`` with the caller's ``GIT_*`` variables removed; its stdout.

    ``git_dir``: the repository's git folder, named outright. A working copy that the model's
    code could write to may hold a ``.git`` file pointing at a config of its choosing (whose
    ``core.fsmonitor`` git would run); naming the folder means git never reads that file."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env["GIT_TERMINAL_PROMPT"] = "0"  # never wait for a password
    where = []
    if git_dir:  # a sandbox's working copy: neither its files nor the user's config steer git
        where = [f"--git-dir={git_dir}", f"--work-tree={repo}", "-c", "core.fsmonitor=false",
                 "-c", f"core.hooksPath={os.devnull}", "-c", "diff.noprefix=false",
                 "-c", "color.ui=never"]  # fmt: skip
        env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    result = subprocess.run(["git", "-C", str(repo), *where, *args], capture_output=True,
                            text=True, env=env, check=False)  # fmt: skip
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        command = next(arg for arg in args if not arg.startswith("-") and "=" not in arg)
        raise GitError(f"git {command} failed in {repo}: {message[-1] if message else 'no output'}")
    return result.stdout


def commit_branch(
    repo: Path,
    branch: str,
    message: str,
    author: str = DEFAULT_AUTHOR,
    git_dir: Path | None = None,
) -> CommitInfo:
    """Create ``branch`` at HEAD, commit every change (new files too) on it; what was committed.

    Refuses (GitError) when there is nothing to commit or the branch already exists: both mean
    the caller's bookkeeping is off, and a silent empty commit would become an empty PR.
    ``git_dir``: see ``git``.
    """
    match = re.fullmatch(r"\s*(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+)>\s*", author)
    if match is None:
        raise GitError(f"author {author!r}: write it as 'Name <email>'")

    def run(*args: str) -> str:
        return git(repo, *args, git_dir=git_dir)

    base = run("rev-parse", "HEAD").strip()
    if not run("status", "--porcelain", "--untracked-files=all").strip():
        raise GitError(f"nothing to commit in {repo}: the working copy equals the base commit")
    if run("branch", "--list", branch).strip():
        raise GitError(f"branch {branch!r} already exists in {repo}")
    run("checkout", "-q", "-b", branch)
    run("add", "-A")
    with tempfile.TemporaryDirectory(prefix="no-hooks-") as no_hooks:
        run("-c", f"user.name={match['name']}", "-c", f"user.email={match['email']}",
            "-c", "commit.gpgsign=false", "-c", f"core.hooksPath={no_hooks}",
            "commit", "-q", "--no-verify", "-m", message)  # fmt: skip
    sha = run("rev-parse", "HEAD").strip()
    names = run("-c", "core.quotePath=false", "diff", "--name-only", "-z", base, sha)
    return CommitInfo(
        branch=branch, sha=sha, base=base,
        patch=run("diff", "--binary", base, sha),
        files=[name for name in names.split("\0") if name],
        stat=run("diff", "--stat", base, sha).rstrip(),
    )  # fmt: skip


def pr_title(issue: Issue) -> str:
    """The pull request's title: the commit's subject line."""
    return commit_message(issue, "").splitlines()[0]


def one_line(text: str, limit: int = 200) -> str:
    """The first non-empty line of ``text``, cut to ``limit`` characters (a test's verdict)."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "(no output)")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def code_span(text: str) -> str:
    """``text`` safe inside single backticks: one line, no backtick of its own."""
    return one_line(text, 300).replace("`", "'")


def pr_description(issue: Issue, summary: str, files: list[str], stat: str,
                   test_runs: list[tuple[str, str]]) -> str:  # fmt: skip
    """The pull request's Markdown body: what changed, why, which tests ran, and a review note.

    ``test_runs`` holds ``(command, result)`` pairs, e.g. ``("pytest -q", "3 passed in 0.1s")``;
    only each result's first line is shown (the full logs are in the trajectory).
    """
    lines = [f"# {pr_title(issue)}", ""]
    if issue.number is not None:
        lines += [f"Fixes #{issue.number}", ""]
    if issue.url:
        lines += [f"Issue: {issue.url}", ""]
    lines += ["## What changed", ""]
    lines += [f"- `{name}`" for name in files] or ["- (no files)"]
    if stat:
        lines += ["", "```", stat, "```"]
    lines += ["", "## Why", "", summary.strip() or "(the agent gave no summary)", ""]
    lines += ["## Tests", ""]
    if test_runs:
        lines += [f"- `{code_span(command)}`: {one_line(result)}" for command, result in test_runs]
    else:
        lines.append("- No tests were run: check this change by hand.")
    lines += ["", "---", "",
              "> Produced by the autonomous engineer (AI Roadmap, month 6): a language model "
              "wrote this change. It needs a human review before it is merged."]  # fmt: skip
    return "\n".join(lines) + "\n"


def write_outputs(out_dir: Path, info: CommitInfo, description: str) -> dict[str, Path]:
    """Write ``patch.diff`` and ``pr.md`` into ``out_dir``; their paths by name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"patch": out_dir / "patch.diff", "pr": out_dir / "pr.md"}
    paths["patch"].write_text(info.patch, encoding="utf-8")
    paths["pr"].write_text(description, encoding="utf-8")
    return paths

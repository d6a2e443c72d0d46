"""Issue in, tested patch out: the whole run behind ``engineer --issue FILE --repo PATH``.

1. a temporary working copy of the repository (``Workspace``: the original is never touched);
2. the agent loop in the sandbox until it submits or a budget runs out (``loop.Engineer``),
   the trajectory written after every step;
3. the repository's tests once more, after the change, for the PR description;
4. a branch with one commit, ``patch.diff`` and ``pr.md``; the branch is handed back to the
   original repository with ``git fetch`` (a new ref, nothing else: its checkout, index and
   current branch stay as they were), or, for a plain folder, kept as ``<out>/repo``;
5. with a token and a GitHub remote: the files pushed and a pull request opened through the REST
   API (``github.py``).

``replay`` reruns a saved trajectory's replies on a fresh copy and compares every output.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from m4_genai.llm import ChatModel, ScriptedChatModel
from m4_genai.retrieval import default_embedder
from m4_genai.retrieval.embedder import Embedder
from m5_agents_mlops.house.sandbox import Limits
from m6_advanced.engineer.actions import Action
from m6_advanced.engineer.git_ops import (
    CommitInfo,
    branch_name,
    commit_branch,
    commit_message,
    git,
    pr_description,
    pr_title,
    write_outputs,
)
from m6_advanced.engineer.github import GitHubClient, parse_github_remote
from m6_advanced.engineer.issue_source import Issue
from m6_advanced.engineer.loop import Budget, Engineer
from m6_advanced.engineer.sandbox import Sandbox, Workspace
from m6_advanced.engineer.toolbox import Toolbox
from m6_advanced.engineer.trajectory import (
    ReplayReport,
    Trajectory,
    TrajectoryError,
    compare,
    load_trajectory,
)
from m6_advanced.errors import AdvancedError
from m6_advanced.hashing_embedder import HashingEmbedder


@dataclass
class FixReport:
    """What a run produced (paths are None when there was no change to commit)."""

    status: str
    summary: str
    usage: dict[str, Any]
    trajectory: Path
    final_tests: str = ""
    branch: str | None = None
    branch_in: str | None = None
    """Where the branch now lives: the original repository, or ``<out>/repo``."""
    files: list[str] = field(default_factory=list)
    patch: Path | None = None
    pr: Path | None = None
    pr_url: str | None = None
    notes: list[str] = field(default_factory=list)
    """What the user should know (e.g. uncommitted changes the working copy left out)."""

    def metrics(self) -> dict[str, Any]:
        return {key: str(value) if isinstance(value, Path) else value
                for key, value in asdict(self).items()}  # fmt: skip


@dataclass(frozen=True)
class GitHubTarget:
    """Where to open the pull request: ``owner/name`` on the API at ``api_url``."""

    owner: str
    repo: str
    base: str
    token: str
    api_url: str


def fix_issue(
    issue: Issue,
    repo: Path,
    model: ChatModel,
    out: Path,
    budget: Budget | None = None,
    limits: Limits | None = None,
    embedder: Embedder | None = None,
    github: GitHubTarget | None = None,
) -> FixReport:
    """Run the engineer on ``issue`` in a copy of ``repo``; write everything under ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    budget = budget or Budget()
    meta = {"issue": issue.text, "issue_source": asdict(issue), "repo": str(repo),
            "model": getattr(model, "name", "model"), "budget": asdict(budget),
            "embedder": getattr(embedder, "name", None) if embedder else None,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}  # fmt: skip
    trajectory = Trajectory(out / "trajectory.json", meta)
    with Workspace.create(repo) as workspace:
        toolbox = Toolbox(workspace, Sandbox(limits), embedder)
        try:
            outcome = Engineer(model, toolbox, budget, trajectory).solve(
                issue.text, workspace.listing()
            )
            report = FixReport(outcome.status, outcome.summary, outcome.to_dict(), trajectory.path)
            if workspace.source_dirty:
                report.notes.append("the repository has uncommitted changes: the engineer "
                                    "worked on its last commit, without them")  # fmt: skip
            if not workspace.changed_files():
                return report
            toolbox.run(Action("run_tests"))
            report.final_tests = toolbox.test_runs[-1].summary
        finally:
            toolbox.close()
        message = commit_message(issue, outcome.summary)
        workspace.remove_nested_git()  # the last test run executed the changed code
        branch = free_branch(repo, branch_name(issue))
        info = commit_branch(workspace.path, branch, message, git_dir=workspace.git_dir)
        runs = [(run.command, run.summary) for run in toolbox.test_runs]
        runs[-1] = (f"{runs[-1][0]} (after the change, by the harness)", runs[-1][1])
        description = pr_description(issue, outcome.summary, info.files, info.stat, runs)
        paths = write_outputs(out, info, description)
        report.branch, report.files = info.branch, info.files
        report.patch, report.pr = paths["patch"], paths["pr"]
        report.branch_in = hand_back(workspace, repo, info.branch, out)
        if github is not None:
            report.pr_url = open_pull_request(github, workspace, info, issue, message, description)
    return report


def open_pull_request(github: GitHubTarget, workspace: Workspace, info: CommitInfo, issue: Issue,
                      message: str, description: str) -> str:  # fmt: skip
    """Push the commit's files through the REST API and open the pull request; its URL."""
    files = {name: committed_text(workspace.path, name) for name in info.files}
    with GitHubClient(github.api_url, github.token) as client:
        # expected_base: if the base branch moved since the clone, refuse rather than undo.
        client.push_files(github.owner, github.repo, github.base, info.branch, files, message,
                          expected_base=info.base)  # fmt: skip
        return client.open_pull_request(
            github.owner, github.repo, info.branch, github.base, pr_title(issue), description
        )


def committed_text(root: Path, name: str) -> str | None:
    """A changed file's text for the API, or None when the change deleted it. A symlink is
    refused, not followed (it could point at a key on this machine), and so is binary."""
    path = root / name
    if path.is_symlink():
        raise AdvancedError(f"{name} is a symlink: not pushed (the API push sends text files)")
    if not path.exists():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AdvancedError(f"{name} is not UTF-8 text: not pushed; push the branch with git") from None  # fmt: skip


def free_branch(repo: Path, name: str) -> str:
    """``name``, or ``name-2``, ``name-3``... if the repository already has it (a second run)."""
    if not (repo / ".git").exists():
        return name
    taken = set(git(repo, "branch", "--list", "--format=%(refname:short)").split())
    return next(candidate for n in range(1, 1000)
                if (candidate := name if n == 1 else f"{name}-{n}") not in taken)  # fmt: skip


def hand_back(workspace: Workspace, original: Path, branch: str, out: Path) -> str:
    """Give the new branch to the original repository (or keep the copy); where it went.

    The fetch reads the workspace's git folder itself, never the working copy's ``.git`` file
    (the sandboxed code could have rewritten it)."""
    if (original / ".git").exists():
        git(original, "fetch", "--quiet", "--no-tags", str(workspace.git_dir),
            f"refs/heads/{branch}:refs/heads/{branch}")  # fmt: skip
        return str(original)
    kept = out / "repo"
    if kept.exists():
        shutil.rmtree(kept)
    git(out, "clone", "--quiet", "--no-hardlinks", "--branch", branch, str(workspace.git_dir), str(kept))  # fmt: skip
    return str(kept)


def github_target(repo: Path, issue: Issue, token: str, api_url: str, base: str) -> GitHubTarget | None:  # fmt: skip
    """The GitHub repository to open the PR on: the issue's, else the ``origin`` remote's."""
    owner_repo: tuple[str, str] | None = None
    if issue.repo:
        owner, _, name = issue.repo.partition("/")
        owner_repo = (owner, name)
    elif (repo / ".git").exists():
        remote = subprocess.run(["git", "-C", str(repo), "remote", "get-url", "origin"],
                                capture_output=True, text=True, check=False).stdout.strip()  # fmt: skip
        owner_repo = parse_github_remote(remote) if remote else None
    if owner_repo is None:
        return None
    return GitHubTarget(owner_repo[0], owner_repo[1], base, token, api_url)


def embedder_named(name: str | None) -> Embedder | None:
    """The embedder a run's ``meta`` names: the same kind, so ``search_code`` answers the same."""
    if not name:
        return None
    return HashingEmbedder() if name == HashingEmbedder.name else default_embedder()


def replay(path: Path, repo: Path | None = None, embedder: Embedder | None = None) -> ReplayReport:
    """Feed a trajectory's replies back through the loop on a fresh copy; compare the outputs.
    ``embedder`` defaults to the kind the run used (``meta.embedder``)."""
    document = load_trajectory(path)
    meta, steps = document["meta"], document["steps"]
    if repo is None and not meta.get("repo"):
        raise TrajectoryError(f"{path}: the trajectory does not name its repository; pass --repo")
    source = Path(repo or meta["repo"])
    if not source.is_dir():
        raise TrajectoryError(f"{path}: the repository {str(source)!r} is not here; pass --repo")
    if not steps:
        raise TrajectoryError(f"{path}: no steps to replay")
    if embedder is None:
        embedder = embedder_named(meta.get("embedder"))
    model = ScriptedChatModel([step["reply"] for step in steps])
    budget = Budget(max_steps=len(steps))
    with Workspace.create(source) as workspace:
        toolbox = Toolbox(workspace, Sandbox(), embedder)
        try:
            outcome = Engineer(model, toolbox, budget).solve(meta["issue"], workspace.listing())
        finally:
            toolbox.close()
    recorded = (document.get("result") or {}).get("status", "")
    return ReplayReport(len(steps), len(steps) - len(compare(steps, outcome.steps)),
                        compare(steps, outcome.steps), outcome.status, recorded)  # fmt: skip

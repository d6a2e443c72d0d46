"""A multi-agent software house: Manager, Coder and Reviewer, with the code run in a sandbox.

- ``house``: ``SoftwareHouse(Team.of(model)).run(task) -> HouseResult`` (the message loop).
- ``roles``: each role's prompt and the schema of its structured reply.
- ``sandbox``: ``run_tests(files, Limits(...)) -> TestRun`` (timeout, limits, no network).
- ``isolation``: how "no network" and the process limit are enforced on this machine.
- ``files``: path checks for model-written files, and per-round diffs.
- ``transcript``: every message, saved as it happens (``transcript.json``, ``files/``, ``diffs/``).
- ``demo``: the scripted team of ``software-house --smoke``.
"""

from m5_agents_mlops.house.files import UnsafePathError, check_files, check_path, unified_diff
from m5_agents_mlops.house.house import HouseResult, SoftwareHouse, StopReason, Team
from m5_agents_mlops.house.isolation import Isolation, detect
from m5_agents_mlops.house.roles import CodeReply, Review, Spec
from m5_agents_mlops.house.sandbox import Limits, TestRun, run_tests

__all__ = [
    "CodeReply",
    "HouseResult",
    "Isolation",
    "Limits",
    "Review",
    "SoftwareHouse",
    "Spec",
    "StopReason",
    "Team",
    "TestRun",
    "UnsafePathError",
    "check_files",
    "check_path",
    "detect",
    "run_tests",
    "unified_diff",
]

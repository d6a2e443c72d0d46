"""Keeps the workspace's own test run out of the benchmark tasks.

Every task folder holds a small project with its own tests, and hidden tests that fail on
purpose until the task is solved. They are run by ``m6_advanced.engineer.taskset`` in a
copy of the task, never collected from here (the repository's testpaths include packages/).
"""

collect_ignore_glob = ["*"]

"""The tool-use benchmark (``harness.py``, ``tasks.jsonl``) that ``scripts/bench_agents.py`` runs."""

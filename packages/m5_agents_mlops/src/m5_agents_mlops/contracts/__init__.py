"""Contract-QA, month 5's capstone: upload contracts, ask questions, get answers that cite clauses.

Layers, bottom up: ``parsed`` (the shared types), ``uploads`` (bytes → pages, checked by content),
``clauses`` (pages → numbered clauses), the database and auth, the per-user clause index, the
question answering and agent tools, and the FastAPI app that serves it all with its web UI.
"""

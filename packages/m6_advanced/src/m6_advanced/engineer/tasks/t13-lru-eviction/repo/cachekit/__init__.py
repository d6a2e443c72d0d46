"""A small least-recently-used cache, its statistics and a memoizing decorator."""

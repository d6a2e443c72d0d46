"""Semantic versions for the release tooling: parsing, ordering and constraints."""

"""Lets the tests import the project: pytest puts this file's folder on sys.path."""

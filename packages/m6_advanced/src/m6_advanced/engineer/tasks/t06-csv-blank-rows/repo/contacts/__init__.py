"""Importing customer contact lists from CSV uploads."""

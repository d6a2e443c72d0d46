"""Text utilities for the newsroom CMS: words, headline case and line wrapping."""

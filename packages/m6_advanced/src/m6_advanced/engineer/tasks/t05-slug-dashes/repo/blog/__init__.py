"""A tiny blog engine: posts, slugs and their URLs."""

"""A plain-text notebook: notes with titles, tags and a body, saved in a readable file."""

"""Content: files → the validated, immutable model."""

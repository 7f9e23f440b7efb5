"""Rendering: the model → template contexts → HTML pages (pure, no I/O)."""

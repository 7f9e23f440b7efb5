"""The search index (Pagefind), written inside an atomic build."""

"""sitegen: a static-site generator for sourced policy timelines."""

__version__ = "0.1.0"

"""sitegen: a static-site generator for sourced policy timelines."""

__version__ = "0.2.0"

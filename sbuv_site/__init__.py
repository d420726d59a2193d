"""sbuv-site: a static site generator for the SBUV coordinator's blog."""

__version__ = "0.1.0"

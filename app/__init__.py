"""Threadline: evidence-linked timelines from multilingual sources."""

__version__ = "0.1.0"

"""Rendering a listing: Jinja templates and their filters, plain text, terminal, JSON, BibTeX, per-entry pages.

Kept empty so that importing one module loads no other.
"""

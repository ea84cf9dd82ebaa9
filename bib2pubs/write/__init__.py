"""Writing: files replaced atomically, and the per-entry folder kept in step.

Kept empty so that importing one module loads no other.
"""

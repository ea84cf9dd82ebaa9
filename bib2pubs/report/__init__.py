"""Reports about a run: --explain, --stats and --strict.

Kept empty so that importing one module loads no other.
"""

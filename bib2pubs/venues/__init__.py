"""Venues: the kind of a work and its venue read from an entry, venue strings, the venue table.

Kept empty so that importing one module loads no other.
"""

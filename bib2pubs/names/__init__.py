"""People: a name's parts, author lists, marks, folding, matching a highlight, styles of showing.

Kept empty so that importing one module loads no other.
"""

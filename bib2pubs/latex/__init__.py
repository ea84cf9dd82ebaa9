"""LaTeX to Unicode text: the decoder (decode), macros (macros) and their tables (tables).

Kept empty so that importing one module loads no other.
"""

"""LaTeX to Unicode text: the decoder (decode), macros (macros) and their tables (tables);
a title's formulas kept for LaTeX output (math).

Kept empty so that importing one module loads no other.
"""

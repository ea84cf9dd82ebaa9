"""Reading: the input files (source), BibTeX (bibtex), cross-references, dates and links.

Kept empty so that importing one module loads no other.
"""

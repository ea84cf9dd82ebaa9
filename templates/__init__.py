"""Built-in Jinja2 templates, installed as the package ``bib2pubs.templates``."""

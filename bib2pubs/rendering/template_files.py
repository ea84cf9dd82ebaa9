"""Where the built-in templates are.

An install has them as the package ``bib2pubs.templates`` (the project's
top-level ``templates/`` folder, mapped there by setup.cfg), zipped or not.
Run from a clone without installing (``python -m bib2pubs``), that package
does not exist, and the clone's own ``templates/`` folder, beside the
package, is used: the same files, from the same checkout as the code.
"""

from __future__ import annotations

import functools
import os
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path


@functools.lru_cache(maxsize=1)
def builtin_folder() -> Traversable:
    """The folder of the built-in templates."""
    try:
        return resources.files("bib2pubs.templates")
    except ModuleNotFoundError:
        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        return Path(package).parent / "templates"

"""Library calls with the arguments callers write (lists, numbers, sets
for the declared tuples, text and frozensets), each printed with its
result or the error it raises. tests/test_compiled.py runs this in the
compiled build and in the source, and compares what they print.

Run as ``python tests/library_calls.py``, with bib2pubs importable.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path

REFS = str(Path(__file__).resolve().parent.parent / "refs.bib")


def _cases() -> dict[str, Callable[[], object]]:
    from bib2pubs import Limits, Options, RenderSpec, Selection, load, render

    def text(options: Options | None = None, **spec: object) -> str:
        return render(load(REFS, options or Options()), RenderSpec(**spec))  # type: ignore[arg-type]

    return {
        "tuples": lambda: text(Options(highlights=("Chao Jin",)), format="text"),
        "highlights as a list": lambda: text(Options(highlights=["Chao Jin"]), format="text"),  # type: ignore[arg-type]
        "one highlight as text": lambda: text(Options(highlights="Chao Jin"), format="markdown"),  # type: ignore[arg-type]
        "highlights_as as lists": lambda: text(Options(highlights_as=[["student", "Chao Jin"]]), format="html"),  # type: ignore[arg-type]
        "aliases as lists": lambda: text(
            Options(highlights=("Chao Jin",), aliases=[["Chao Jin", "C. Jin"]]),  # type: ignore[arg-type]
            format="html",
        ),
        "kinds as a list": lambda: text(Options(selection=Selection(kinds=["journal"])), format="text"),  # type: ignore[arg-type]
        "keys as a list": lambda: text(Options(selection=Selection(keys=["jin2025megascalemoe"])), format="text"),  # type: ignore[arg-type]
        "since as a float": lambda: text(Options(selection=Selection(since=2024.0)), format="text"),  # type: ignore[arg-type]
        "limits as floats": lambda: len(load(REFS, Options(limits=Limits(size=1e8, entries=1e5))).groups),  # type: ignore[arg-type]
        "a number variable": lambda: text(template="academicpages", variables={"title": 3}),
        "a list variable": lambda: text(template="academicpages", variables={"title": ["x"]}),
        "max_authors as a float": lambda: text(format="text", max_authors=2.0),
        "max_authors as an int": lambda: text(format="html", max_authors=2),
        "bibtex_dropped as a set": lambda: text(Options(keep_fields=True), format="bibtex", bibtex_dropped={"doi"}),
        "bibtex_dropped as a list": lambda: text(Options(keep_fields=True), format="bibtex", bibtex_dropped=["doi"]),
        "template_dirs as a list": lambda: text(format="markdown", template_dirs=["/nonexistent"]),
        "json": lambda: text(Options(highlights=("Chao Jin",)), format="json"),
    }


def main() -> None:
    warnings.simplefilter("ignore")
    for name, call in _cases().items():
        try:
            said = repr(call())
        except Exception as error:  # noqa: BLE001 - what each build raises is the point
            said = f"{type(error).__name__}: {error}"
        print(f"{name}: {said}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Fatal conditions. Anything recoverable is a Diagnostic instead."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bib2pubs.model import Diagnostic


class Bib2PubsError(Exception):
    """A run cannot go on. The CLI prints it as ``file:line: message``."""

    exit_code = 1

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        """``file:line: error: message``, or ``bib2pubs: error: message``."""
        where = f"{self.file}:{self.line}" if self.file and self.line else self.file or "bib2pubs"
        return f"{where}: error: {self.message}"


class InputError(Bib2PubsError):
    """The input cannot be read at all (missing, unreadable, a directory)."""

    exit_code = 2


class UsageError(Bib2PubsError):
    """Options that contradict each other or name something that does not exist."""

    exit_code = 2


class TemplateError(Bib2PubsError):
    """A template could not be loaded or failed while rendering."""


class NothingReadError(Bib2PubsError):
    """No entry could be read, so no output is written (nothing gets blanked).

    Carries the problems found on the way, which usually say why.
    """

    def __init__(self, message: str, diagnostics: tuple[Diagnostic, ...] = ()) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics


class StaleOutputError(Bib2PubsError):
    """``--check`` found the output file out of date (or missing).

    Carries a short diff of what a run would change."""

    def __init__(self, message: str, file: str, diff: str = "") -> None:
        super().__init__(message, file)
        self.diff = diff

    def __str__(self) -> str:
        return f"{self.file}: {self.message}" + (f"\n{self.diff}" if self.diff else "")


def is_out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` says memory ran out: a MemoryError, or the
    SystemError Python 3.11 raises in its place when there is no room for
    one more call's frame."""
    if isinstance(error, SystemError):
        return str(error) == "error return without exception set"
    return isinstance(error, MemoryError)

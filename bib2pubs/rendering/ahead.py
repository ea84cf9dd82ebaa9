"""Entries written ahead: while a large file is read in two processes
(``read.two_processes``), each writes the entries it normalized in the
run's format, on its own core, and the list is later put together from
those texts. Writing the entries is most of the work of a format's own
list (HTML, Markdown, academicpages, text), and afterwards one core would
do it all.

A text is used only for the very publication it was written for, which
the later stages keep as it is unless they change it (a preprint merged
into its published version, a hidden entry shown, a degree localized):
a publication they made anew is written when the list is, so the list is
the one written without any text ahead (a test holds the two together).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bib2pubs.model import Publication

#: An entry's text, as a format's own list writes it.
EntryWriter = Callable[[Publication], str]


class WrittenAhead:
    """The entries' texts written so far, by the publication each was
    written for, and the writer that writes the others. One serves one
    ``load`` and the ``render`` of its listing: it keeps what it holds
    alive as long as it lives."""

    def __init__(self, write: EntryWriter, made_for: object) -> None:
        self.write = write
        #: What decides how ``write`` writes an entry (the list, its
        #: settings and words): ``render`` uses the texts for that alone.
        self.made_for = made_for
        # By id, with the publication itself: an id is only that object's
        # while it lives, and kept here it lives as long as its text.
        self._texts: dict[int, tuple[Publication, str]] = {}

    def texts(
        self, publications: Sequence[Publication], listed: Callable[[Publication], bool] | None = None
    ) -> list[str | None]:
        """``publications`` written, in order; None for those left to be
        written with the list, if it lists them: a hidden one, one
        ``listed`` says the list leaves out (its selection), and one whose
        writing fails, so that a failure is met, and said, only where the
        list writes the entry."""
        texts: list[str | None] = []
        for pub in publications:
            text = None
            if not pub.hidden and (listed is None or listed(pub)):
                try:
                    text = self.write(pub)
                except MemoryError:
                    raise
                except Exception:  # noqa: BLE001 - met again, and said, if the list writes it
                    text = None
            texts.append(text)
        return texts

    def keep(self, written: Sequence[tuple[Publication, str]]) -> None:
        """Texts written ahead, each with the publication it was written for."""
        for pub, text in written:
            self._texts[id(pub)] = (pub, text)

    def holds(self, pub: Publication) -> bool:
        """Whether a text was written ahead for ``pub``."""
        found = self._texts.get(id(pub))
        return found is not None and found[0] is pub

    def entry(self, pub: Publication) -> str:
        """``pub``'s text: the one written ahead for it, else written now."""
        found = self._texts.get(id(pub))
        if found is not None and found[0] is pub:
            return found[1]
        return self.write(pub)

    def __len__(self) -> int:
        return len(self._texts)

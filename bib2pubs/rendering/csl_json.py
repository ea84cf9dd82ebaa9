"""The listing as CSL-JSON, the input of pandoc, Zotero and every CSL
processor: one item per listed publication, ``id`` its BibTeX key.

The CSL types, variables and name parts follow pandoc's own BibTeX reader
(``pandoc -f bibtex -t csljson``), so that a file handed over reads as
pandoc would have read the .bib, with bib2pubs' better knowledge where it has
it: the normalized venue name, decoded LaTeX, a DOI without its resolver, a
preprint typed as one and its server as publisher, the page range with its
en dash, no series that is only ACM's acronym of the event.

CSL-JSON strings are not plain text to their readers: pandoc (like
citeproc-js) reads ``<i>``, ``<b>``, ``<sup>``, ``<span class="nocase">``…
in most variables as markup, and ``Name: value`` lines at the start of a
``note`` as more variables. Data from a .bib must be neither (``_rich``,
``_identifier``, ``_note``).
"""

from __future__ import annotations

import re
from typing import Final

from bib2pubs.lazyre import lazy
from bib2pubs.model import Listing, Person, Publication
from bib2pubs.rendering.text_pieces import event_acronym

#: BibTeX and biblatex entry types → CSL types, as pandoc maps them, with
#: the CSL 1.0.2 types where pandoc has none (misc, software, standard).
_TYPES: Final = {
    "article": "article-journal",
    "periodical": "article-journal",
    "suppperiodical": "article-journal",
    "book": "book",
    "mvbook": "book",
    "collection": "book",
    "mvcollection": "book",
    "proceedings": "book",
    "mvproceedings": "book",
    "reference": "book",
    "mvreference": "book",
    "manual": "book",
    "commentary": "book",
    "booklet": "pamphlet",
    "inbook": "chapter",
    "incollection": "chapter",
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "suppcollection": "chapter",
    "inreference": "entry-encyclopedia",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "mastersthesis": "thesis",
    "phdthesis": "thesis",
    "bachelorsthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "dataset": "dataset",
    "data": "dataset",
    "patent": "patent",
    "software": "software",
    "standard": "standard",
    "artwork": "graphic",
    "image": "graphic",
    "audio": "song",
    "music": "song",
    "movie": "motion_picture",
    "video": "motion_picture",
    "letter": "personal_communication",
    "performance": "speech",
    "review": "review",
    "jurisdiction": "legal_case",
    "legislation": "legislation",
    "legal": "treaty",
    "misc": "document",
}

#: An entry type no table names is typed by its kind of work.
_KIND_TYPES: Final = {
    "journal": "article-journal",
    "conference": "paper-conference",
    "workshop": "paper-conference",
    "preprint": "article",
    "thesis": "thesis",
    "book": "book",
    "chapter": "chapter",
    "report": "report",
    "other": "document",
}

#: Entry types whose ``number`` is the series' number (pandoc's rule);
#: an article's is its issue, any other's the work's own number.
_IN_SERIES: Final = frozenset(
    {
        "book",
        "mvbook",
        "collection",
        "mvcollection",
        "proceedings",
        "mvproceedings",
        "reference",
        "mvreference",
        "bookinbook",
        "inbook",
        "incollection",
        "inproceedings",
        "conference",
        "inreference",
        "suppbook",
        "suppcollection",
    }
)
_ISSUES: Final = frozenset({"article", "periodical", "suppperiodical", "review"})

#: babel and polyglossia language names (``langid``) → BCP 47 tags, which
#: CSL's ``language`` holds; a name not here is written as it is.
_LANGUAGES: Final = {
    "english": "en",
    "american": "en-US",
    "usenglish": "en-US",
    "british": "en-GB",
    "ukenglish": "en-GB",
    "australian": "en-AU",
    "canadian": "en-CA",
    "newzealand": "en-NZ",
    "german": "de",
    "ngerman": "de",
    "austrian": "de-AT",
    "naustrian": "de-AT",
    "swissgerman": "de-CH",
    "nswissgerman": "de-CH",
    "french": "fr",
    "francais": "fr",
    "italian": "it",
    "spanish": "es",
    "portuguese": "pt",
    "portuges": "pt",
    "brazil": "pt-BR",
    "brazilian": "pt-BR",
    "dutch": "nl",
    "swedish": "sv",
    "danish": "da",
    "norsk": "nb",
    "norwegian": "nb",
    "nynorsk": "nn",
    "finnish": "fi",
    "icelandic": "is",
    "polish": "pl",
    "czech": "cs",
    "slovak": "sk",
    "slovene": "sl",
    "slovenian": "sl",
    "croatian": "hr",
    "serbian": "sr",
    "bulgarian": "bg",
    "russian": "ru",
    "ukrainian": "uk",
    "greek": "el",
    "turkish": "tr",
    "hungarian": "hu",
    "magyar": "hu",
    "romanian": "ro",
    "catalan": "ca",
    "basque": "eu",
    "galician": "gl",
    "estonian": "et",
    "latvian": "lv",
    "lithuanian": "lt",
    "irish": "ga",
    "welsh": "cy",
    "latin": "la",
    "hebrew": "he",
    "arabic": "ar",
    "persian": "fa",
    "hindi": "hi",
    "japanese": "ja",
    "chinese": "zh",
    "korean": "ko",
    "vietnamese": "vi",
    "indonesian": "id",
}

#: The start of a tag CSL-JSON readers take for markup: pandoc's ``<i>``,
#: ``<b>``, ``<u>``, ``<sc>``, ``<sup>``, ``<sub>`` and its ``<span …>``
#: forms (citeproc's ``pCslJson``), in any case, as citeproc-js reads more
#: loosely. Only an opening tag starts markup; a closing one alone is text.
_TAG: Final = lazy(r"<(?=(?:i|b|u|sc|sup|sub|span)[\s>])", re.IGNORECASE)

#: What pandoc writes for a literal "<" where a tag would start: a "<"
#: inside a no-case span (which changes no letter's case) is text to it.
_LITERAL_LT: Final = '<span class="nocase"><</span>'

#: A ``note`` starting like this is read by pandoc as ``variable: value``
#: lines (``URL: …`` would replace the entry's link), by citeproc-js too.
_NOTE_FIELD: Final = lazy(r"(?:[^\W\d_]|-)+:|\{:")

#: What a thesis' venue names a degree with ("PhD thesis, School"), in
#: English or in a ``--locale``'s words (``rendering.words``).
_DEGREE: Final = lazy(
    r"thesis|dissertation|\bdiss\b|habilitation|ph\.?\s?d|doct|dokt|master|bachelor|licen|diplom|arbeit|thèse"
    r"|mémoire|tesis|tesi\b|trabajo|论文|論文",
    re.IGNORECASE,
)
_DEGREE_TYPES: Final = frozenset({"phdthesis", "mastersthesis", "bachelorsthesis"})
_ARXIV_LABEL: Final = lazy(r"arXiv:\S+")
#: A word that says a server's papers are preprints ("arXiv preprint",
#: ADS's "ArXiv e-prints"), not part of the server's name.
_PREPRINT_WORD: Final = lazy(r"(?<!\S)(?:pre-?print|e-?prints?)(?!\S)", re.IGNORECASE)
#: A name that says "preprint" and no server.
_NO_SERVER: Final = lazy(r"pre-?prints?", re.IGNORECASE)


def _rich(value: str) -> str:
    """Text for a variable CSL readers parse as rich text: a "<" that would
    open a tag is written as a literal one."""
    return _TAG.sub(_LITERAL_LT, value) if "<" in value else value


def _identifier(value: str) -> str:
    """A URL, DOI, ISBN or ISSN: pandoc 2 parses even these as rich text
    and newer pandoc does not, so a "<" that would open a tag is
    percent-encoded, as a browser sends it (doi.org and any web server
    read ``%3C`` as ``<``)."""
    return _TAG.sub("%3C", value) if "<" in value else value


def _note(value: str) -> str:
    """The note, which pandoc keeps as plain text, but only after reading
    ``Name: value`` lines at its start as variables: a blank before such a
    start keeps it the note's text (pandoc drops the blank on output)."""
    return " " + value if _NOTE_FIELD.match(value) else value


def csl_type(pub: Publication) -> str:
    """The CSL type: pandoc's for the entry type; a preprint is an
    ``article``, CSL's type for preprints and working papers (pandoc types
    an arXiv ``@article`` as a journal article, an arXiv ``@misc`` not at
    all), except an ``@unpublished`` manuscript."""
    if pub.kind == "preprint" and pub.type != "unpublished":
        return "article"
    return _TYPES.get(pub.type) or _KIND_TYPES.get(pub.kind, "document")


def _wholly_braced(written: str) -> bool:
    """Whether a name is one brace group (``{Barnes and Noble}``), which
    BibTeX never splits: pandoc writes it as a ``literal`` name."""
    if not (written.startswith("{") and written.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(written):
        depth += (char == "{") - (char == "}")
        if depth == 0:
            return index == len(written) - 1
    return False


def csl_name(person: Person) -> dict[str, str]:
    """One name: its parts as BibTeX splits them, the von part a
    ``dropping-particle`` as pandoc writes it (biblatex's default,
    ``useprefix=false``); a corporate name in braces, or a name with no
    parts at all, one ``literal``. Names are not rich text to pandoc."""
    if person.last and not (person.first or person.von or person.jr) and _wholly_braced(person.written.strip()):
        return {"literal": person.last}
    parts = {
        "family": person.last,
        "given": person.first,
        "dropping-particle": person.von,
        "suffix": person.jr,
    }
    name = {key: value for key, value in parts.items() if value}
    return name if "family" in name or "given" in name else {"literal": person.display or person.written}


def _thesis(pub: Publication) -> tuple[str, str]:
    """(degree, school) from a thesis' venue, which bib2pubs writes as
    "PhD thesis, School" (``venues.classify``), the degree always there for
    a ``@phdthesis`` or ``@mastersthesis``: CSL wants the degree as
    ``genre`` and the school as ``publisher``, as pandoc writes them."""
    name = pub.venue.name
    degree, comma, school = name.partition(", ")
    if comma and (pub.type in _DEGREE_TYPES or _DEGREE.search(degree)):
        return degree, school
    return (name, "") if _DEGREE.search(name) else ("", name)


def _joined(*names: str) -> str:
    """Who published a work, each once: pandoc joins a report's
    institution and its publisher (or a school and a publisher) with "; "."""
    return "; ".join(dict.fromkeys(name for name in names if name))


def preprint_server(name: str) -> str:
    """The server a preprint's venue names, as CSL's ``publisher`` holds it
    (Zotero's "Repository"): "arXiv" for "arXiv preprint", "CoRR" or
    "ArXiv e-prints", "bioRxiv" for "bioRxiv preprint"; "" for a name
    that only says "Preprint"."""
    if _NO_SERVER.fullmatch(name.strip()):
        return ""
    words = _PREPRINT_WORD.sub(" ", name).split()
    if words and all(word.casefold() in ("arxiv", "corr") for word in words):
        return "arXiv"
    return " ".join(words).strip(",;:")


def _publisher(pub: Publication) -> tuple[str, str]:
    """(publisher, genre). bib2pubs' venue names the school of a thesis,
    the institution of a report, the publisher (or organization) of a book,
    the server of a preprint (CSL 1.0.2, as Zotero writes preprints) and
    whoever published anything else: pandoc writes each but the server as
    ``publisher``, beside the entry's own publisher."""
    publisher = pub.locators.publisher
    if pub.kind == "preprint":
        return _joined(preprint_server(pub.venue.name), publisher), ""
    if pub.kind == "thesis":
        degree, school = _thesis(pub)
        return _joined(school, publisher), degree
    if pub.kind in ("report", "book", "other"):
        return _joined(pub.venue.name, publisher), ""
    return publisher, ""


def _container(pub: Publication) -> str:
    """The journal, proceedings or book the work appeared in: bib2pubs'
    venue name, normalized (pandoc writes the field as written). A chapter
    without a booktitle has its publisher as venue: no container. A
    preprint has none: its server is its publisher, which pandoc (taking
    ``journal = {arXiv preprint …}`` for a journal) does not know."""
    if pub.kind in ("journal", "conference", "workshop"):
        return pub.venue.name
    if pub.kind == "chapter" and pub.venue.name != pub.locators.publisher:
        return pub.venue.name
    return ""


def _numbers(pub: Publication) -> dict[str, str]:
    """The entry's ``number``, where pandoc puts it, and a preprint's arXiv
    id as its number (``arXiv:2101.00001``), as Zotero writes preprints."""
    number = pub.locators.number
    if pub.type in _IN_SERIES:
        return {"collection-number": number}
    numbers = {"issue": number} if pub.type in _ISSUES else {"number": number}
    if pub.kind == "preprint" and not number:
        if pub.identifiers.arxiv:
            numbers = {**numbers, "number": f"arXiv:{pub.identifiers.arxiv}"}
        elif _ARXIV_LABEL.fullmatch(pub.venue.label):
            numbers = {**numbers, "number": pub.venue.label}
    return numbers


def _url(pub: Publication) -> str:
    """The entry's url, else its arXiv page, as pandoc takes an arXiv
    eprint for the URL."""
    return pub.links.get("url") or pub.links.get("arxiv") or ""


def _series(pub: Publication) -> str:
    """The series a work appeared in; for a paper, not ACM's ``series =
    {SIGCOMM '23}``, the event's acronym and year, which the container
    already names (the lists leave it out too; pandoc writes it)."""
    series = pub.locators.series
    if pub.kind in ("conference", "workshop") and event_acronym(series):
        return ""
    return series


def language_tag(language: str) -> str:
    """A babel language name as the BCP 47 tag CSL expects ("english" →
    "en"); a tag, or a name not in the table, as written."""
    return _LANGUAGES.get(language.strip().lower(), language.strip())


def csl_item(pub: Publication) -> dict[str, object]:
    """One CSL-JSON item. ``author`` and ``editor`` hold one name per
    element of ``pub.authors`` and ``pub.editors``, in their order, so that
    a caller can change a name by its index; ``et_al`` ("and others") adds
    none, though pandoc writes a literal "others". Titles keep the case the
    .bib gives them: pandoc lowercases English titles for styles to
    capitalize again, which needs the braces that protect "III-V", and the
    model keeps the text, not the braces."""
    publisher, genre = _publisher(pub)
    locators = pub.locators
    identifiers = pub.identifiers
    rich = {
        "title": pub.title,
        "container-title": _container(pub),
        "collection-title": _series(pub),
        "publisher": publisher,
        "publisher-place": locators.address,
        "event-place": pub.venue.location if pub.kind in ("conference", "workshop") else "",
        "genre": genre,
        "volume": locators.volume,
        **_numbers(pub),
        "page": locators.pages,
        "chapter-number": locators.chapter,
        "edition": locators.edition,
        "abstract": pub.abstract,
        "keyword": ", ".join(pub.keywords),
        "language": language_tag(pub.language),
    }
    plain = {
        "DOI": identifiers.doi,
        "ISBN": identifiers.isbn,
        "ISSN": identifiers.issn,
        "URL": _url(pub),
    }
    item: dict[str, object] = {"id": pub.key, "type": csl_type(pub)}
    if pub.authors:
        item["author"] = [csl_name(person) for person in pub.authors]
    if pub.editors:
        item["editor"] = [csl_name(person) for person in pub.editors]
    if pub.year is not None:
        item["issued"] = {"date-parts": [[pub.year, pub.month] if pub.month else [pub.year]]}
    item.update((key, _rich(value)) for key, value in rich.items() if value)
    item.update((key, _identifier(value)) for key, value in plain.items() if value)
    if pub.note:
        item["note"] = _note(pub.note)
    return item


def csl_items(listing: Listing) -> list[dict[str, object]]:
    """Every listed publication, in listing order, each once (an id names
    one item); hidden ones left out, as CSL has no such flag."""
    seen: set[str] = set()
    items = []
    for group in listing.groups:
        for pub in group.entries:
            if not pub.hidden and pub.key not in seen:
                seen.add(pub.key)
                items.append(csl_item(pub))
    return items


def to_csl_json(listing: Listing) -> str:
    """The listing as a CSL-JSON array: deterministic, human-diffable,
    ending in a newline (``json.dumps(…, ensure_ascii=False, indent=2)``,
    written the faster way ``indented_json`` does it)."""
    from bib2pubs.rendering.json_text import indented_json  # only CSL-JSON output needs it

    return indented_json(csl_items(listing)) + "\n"

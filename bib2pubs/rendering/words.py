"""The fixed words of a list, in the reader's language: link labels,
"Equal contribution", "PhD thesis", "vol.", group titles. ``--locale``
picks a built-in language; ``--word KEY=TEXT`` (or ``word = {…}`` in the
settings file) replaces any single word.

A word with ``{}`` is a pattern the value goes into ("vol. {}" and
Chinese "第{}卷"), since languages put the number on either side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Final

from bib2pubs.errors import UsageError
from bib2pubs.model import Group, Listing, Publication

#: What each word is for, in English: the keys users override.
_ENGLISH: Final[dict[str, str]] = {
    # Link labels, one per link kind.
    "pdf": "PDF",
    "slides": "Slides",
    "code": "Code",
    "video": "Video",
    "poster": "Poster",
    "website": "Website",
    "html": "HTML",
    "supp": "Supp",
    "blog": "Blog",
    "arxiv": "arXiv",
    "doi": "DOI",
    "url": "Link",
    # The signs' footnotes.
    "equal-contribution": "Equal contribution",
    "corresponding-author": "Corresponding author",
    # People.
    "et-al": "et al.",
    "editor": "ed.",
    "editors": "eds.",
    # A preprint's venue when it names no server, and academicpages' "In".
    "preprint": "Preprint",
    "in": "In",
    "abstract": "Abstract",
    # Degrees, before the school: "PhD thesis, Peking University".
    "phd-thesis": "PhD thesis",
    "masters-thesis": "Master's thesis",
    "bachelors-thesis": "Bachelor's thesis",
    "candidate-thesis": "Candidate thesis",
    # Where in the venue.
    "volume": "vol. {}",
    "number": "no. {}",
    "pages": "pp. {}",
    "page": "p. {}",
    "chapter": "ch. {}",
    "edition": "{} ed.",
    # Group titles.
    "undated": "Undated",
    "group-conference": "Conference Papers",
    "group-workshop": "Workshop Papers",
    "group-journal": "Journal Articles",
    "group-preprint": "Preprints",
    "group-thesis": "Theses",
    "group-book": "Books",
    "group-chapter": "Book Chapters",
    "group-report": "Technical Reports",
    "group-other": "Other",
}

#: Each language's words: only what differs from English is written; the
#: rest is English's.
TRANSLATIONS: Final[dict[str, dict[str, str]]] = {
    "de": {
        "abstract": "Zusammenfassung",
        "slides": "Folien",
        "website": "Webseite",
        "supp": "Zusatzmaterial",
        "equal-contribution": "Gleicher Beitrag",
        "corresponding-author": "Korrespondenzautor",
        "editor": "Hrsg.",
        "editors": "Hrsg.",
        "phd-thesis": "Dissertation",
        "masters-thesis": "Masterarbeit",
        "bachelors-thesis": "Bachelorarbeit",
        "candidate-thesis": "Kandidatenarbeit",
        "volume": "Bd. {}",
        "number": "Nr. {}",
        "pages": "S. {}",
        "page": "S. {}",
        "chapter": "Kap. {}",
        "edition": "{}. Aufl.",
        "undated": "Ohne Datum",
        "group-conference": "Konferenzbeiträge",
        "group-workshop": "Workshopbeiträge",
        "group-journal": "Zeitschriftenartikel",
        "group-thesis": "Abschlussarbeiten",
        "group-book": "Bücher",
        "group-chapter": "Buchkapitel",
        "group-report": "Technische Berichte",
        "group-other": "Sonstiges",
    },
    "fr": {
        "abstract": "Résumé",
        "slides": "Diapositives",
        "video": "Vidéo",
        "website": "Site web",
        "supp": "Supplément",
        "url": "Lien",
        "equal-contribution": "Contribution égale",
        "corresponding-author": "Auteur correspondant",
        "editor": "éd.",
        "editors": "éds.",
        "preprint": "Prépublication",
        "in": "Dans",
        "phd-thesis": "Thèse de doctorat",
        "masters-thesis": "Mémoire de master",
        "bachelors-thesis": "Mémoire de licence",
        "candidate-thesis": "Thèse de candidat",
        "number": "n° {}",
        "pages": "p. {}",
        "chapter": "chap. {}",
        "edition": "{}e éd.",
        "undated": "Sans date",
        "group-conference": "Articles de conférence",
        "group-workshop": "Articles d'atelier",
        "group-journal": "Articles de revue",
        "group-preprint": "Prépublications",
        "group-thesis": "Thèses",
        "group-book": "Livres",
        "group-chapter": "Chapitres d'ouvrage",
        "group-report": "Rapports techniques",
        "group-other": "Autres",
    },
    "es": {
        "abstract": "Resumen",
        "slides": "Diapositivas",
        "code": "Código",
        "video": "Vídeo",
        "poster": "Póster",
        "website": "Sitio web",
        "supp": "Material adicional",
        "url": "Enlace",
        "equal-contribution": "Contribución igual",
        "corresponding-author": "Autor de correspondencia",
        "in": "En",
        "phd-thesis": "Tesis doctoral",
        "masters-thesis": "Tesis de máster",
        "bachelors-thesis": "Trabajo de fin de grado",
        "candidate-thesis": "Tesis de candidatura",
        "number": "n.º {}",
        "chapter": "cap. {}",
        "edition": "{}.ª ed.",
        "undated": "Sin fecha",
        "group-conference": "Artículos de congreso",
        "group-workshop": "Artículos de taller",
        "group-journal": "Artículos de revista",
        "group-thesis": "Tesis",
        "group-book": "Libros",
        "group-chapter": "Capítulos de libro",
        "group-report": "Informes técnicos",
        "group-other": "Otros",
    },
    "zh": {
        "abstract": "摘要",
        "slides": "幻灯片",
        "code": "代码",
        "video": "视频",
        "poster": "海报",
        "website": "网站",
        "supp": "补充材料",
        "blog": "博客",
        "url": "链接",
        "equal-contribution": "同等贡献",
        "corresponding-author": "通讯作者",
        "et-al": "等",
        "editor": "编",
        "editors": "编",
        "preprint": "预印本",
        "in": "载于",
        "phd-thesis": "博士学位论文",
        "masters-thesis": "硕士学位论文",
        "bachelors-thesis": "学士学位论文",
        "candidate-thesis": "副博士学位论文",
        "volume": "第{}卷",
        "number": "第{}期",
        "pages": "第{}页",
        "page": "第{}页",
        "chapter": "第{}章",
        "edition": "第{}版",
        "undated": "未注明日期",
        "group-conference": "会议论文",
        "group-workshop": "研讨会论文",
        "group-journal": "期刊论文",
        "group-preprint": "预印本",
        "group-thesis": "学位论文",
        "group-book": "专著",
        "group-chapter": "书籍章节",
        "group-report": "技术报告",
        "group-other": "其他",
    },
    "ja": {
        "abstract": "要旨",
        "slides": "スライド",
        "code": "コード",
        "video": "動画",
        "poster": "ポスター",
        "website": "ウェブサイト",
        "supp": "補足資料",
        "blog": "ブログ",
        "url": "リンク",
        "equal-contribution": "同等貢献",
        "corresponding-author": "責任著者",
        "et-al": "他",
        "editor": "編",
        "editors": "編",
        "preprint": "プレプリント",
        "in": "所収",
        "phd-thesis": "博士論文",
        "masters-thesis": "修士論文",
        "bachelors-thesis": "学士論文",
        "candidate-thesis": "候補論文",
        "volume": "第{}巻",
        "number": "第{}号",
        "pages": "{}頁",
        "page": "{}頁",
        "chapter": "第{}章",
        "edition": "第{}版",
        "undated": "日付なし",
        "group-conference": "国際会議論文",
        "group-workshop": "ワークショップ論文",
        "group-journal": "学術論文",
        "group-preprint": "プレプリント",
        "group-thesis": "学位論文",
        "group-book": "書籍",
        "group-chapter": "書籍の章",
        "group-report": "技術報告",
        "group-other": "その他",
    },
}

#: The built-in languages, English first.
LOCALES: Final = ("en", *TRANSLATIONS)
#: Every word's key (what ``--word KEY=TEXT`` may replace).
KEYS: Final = tuple(_ENGLISH)
#: English, the default.
ENGLISH: Final[Mapping[str, str]] = MappingProxyType(_ENGLISH)
#: The words that take their value through ``{}``.
PATTERNS: Final = frozenset(key for key, text in _ENGLISH.items() if "{}" in text)


def language_of(locale: str) -> str:
    """The built-in language a locale asks for: "de-AT", "de_DE.UTF-8"
    and "DE" are German. A UsageError names the languages there are."""
    language = locale.replace("_", "-").split(".", 1)[0].split("-", 1)[0].strip().lower()
    if language not in LOCALES:
        raise UsageError(f"--locale {locale}: no such language; use one of {', '.join(LOCALES)}")
    return language


def words_for(locale: str | None = "en", overrides: Mapping[str, str] | None = None) -> Mapping[str, str]:
    """Every word in ``locale``'s language (English for None), with ``overrides`` (from
    ``--word``) in place. An unknown key, or a pattern given without its
    ``{}`` (or with more than one), is a UsageError: a misspelt key would
    otherwise change nothing and say nothing."""
    language = language_of("en" if locale is None else locale)
    words = dict(_ENGLISH)
    words.update(TRANSLATIONS.get(language, {}))
    for key, text in (overrides or {}).items():
        if key not in _ENGLISH:
            raise UsageError(f"--word {key}: no such word; the words are {', '.join(KEYS)}")
        if text.count("{}") != (1 if key in PATTERNS else 0):
            need = "one {} where the value goes" if key in PATTERNS else "no {}"
            raise UsageError(f"--word {key}={text}: this word takes {need}, e.g. {_ENGLISH[key]!r}")
        words[key] = text
    return MappingProxyType(words)


def fill(words: Mapping[str, str], key: str, value: str) -> str:
    """A pattern word with its value: fill(words, "volume", "12") is
    "vol. 12". Plain replacement, not ``str.format``: a value's braces stay
    text and a word cannot reach Python's formatting."""
    return words[key].replace("{}", value, 1)


def link_labels(words: Mapping[str, str]) -> Mapping[str, str]:
    """The label of each link kind, for templates' ``link_labels``."""
    return {kind: words[kind] for kind in _LINK_KINDS}


_LINK_KINDS: Final = (
    "pdf",
    "slides",
    "code",
    "video",
    "poster",
    "website",
    "html",
    "supp",
    "blog",
    "arxiv",
    "doi",
    "url",
)


# The degrees ``venues.classify`` names a thesis by, and their words.
_DEGREES: Final = {
    "PhD thesis": "phd-thesis",
    "Master's thesis": "masters-thesis",
    "Bachelor's thesis": "bachelors-thesis",
    "Candidate thesis": "candidate-thesis",
}


def localize(listing: Listing, words: Mapping[str, str]) -> Listing:
    """The listing with the words the earlier stages wrote in English said
    in ``words``: group titles ("Undated", "Journal Articles") and a
    thesis's degree ("PhD thesis, Peking University"). A title the user gave
    and a degree the entry spells out (``type = {Doctoral dissertation}``)
    stay as written. The same listing when nothing changes."""
    changed = {key for key in (*_DEGREES.values(), "undated") if words[key] != _ENGLISH[key]}
    changed.update(key for key in _ENGLISH if key.startswith("group-") and words[key] != _ENGLISH[key])
    if not changed:
        return listing
    groups = tuple(_localized_group(group, words, changed) for group in listing.groups)
    return replace(listing, groups=groups)


def _localized_group(group: Group, words: Mapping[str, str], changed: set[str]) -> Group:
    title = words[group.word] if group.word in changed else group.title
    entries = tuple(_localized_degree(pub, words, changed) for pub in group.entries)
    return replace(group, title=title, entries=entries)


def _localized_degree(pub: Publication, words: Mapping[str, str], changed: set[str]) -> Publication:
    if pub.kind != "thesis":
        return pub
    name = pub.venue.name
    for english, key in _DEGREES.items():
        if key in changed and (name == english or name.startswith(english + ", ")):
            return replace(pub, venue=replace(pub.venue, name=words[key] + name[len(english) :]))
    return pub

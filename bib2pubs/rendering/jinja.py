"""Render a Listing through a Jinja2 template, escaping for its format.

Built-in templates live in the ``bib2pubs.templates`` package; a template's
file name says its format (``academicpages.md.j2`` is Markdown). Every
``{{ … }}`` is escaped for that format unless a filter marked it safe:
HTML by Jinja's autoescape, Markdown and text by our ``finalize``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

import jinja2
from jinja2.runtime import LoopContext, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Namespace
from markupsafe import Markup

from bib2pubs.errors import Bib2PubsError, TemplateError, UsageError, is_out_of_memory
from bib2pubs.model import Diagnostic, Group, Listing, Person, Publication, Venue
from bib2pubs.rendering import filters
from bib2pubs.rendering.cited import Citations, citation_of
from bib2pubs.rendering.clean_bibtex import SITE_FIELDS, dropped_or_default, entry_bibtex
from bib2pubs.rendering.formats import ITEM_TEMPLATES, RESERVED, format_of, user_template
from bib2pubs.rendering.latex_checks import latex_notes, tex_href
from bib2pubs.rendering.markdown_text import markdown_escape
from bib2pubs.rendering.template_cache import afresh_on_failure, bytecode_cache
from bib2pubs.rendering.template_files import builtin_folder
from bib2pubs.rendering.text_pieces import (
    Footnote,
    VenueLine,
    check_base_url,
    footnotes,
    note_text,
    resolve_link,
    shown_links,
    venue_line,
    venue_text,
)
from bib2pubs.rendering.words import ENGLISH, link_labels
from bib2pubs.rendering.wrapping import wrap_text

if TYPE_CHECKING:
    from bib2pubs.rendering.citations import Citation


def builtin_templates(per_entry: bool = False) -> dict[str, str]:
    """Built-in template names mapped to their file names: the templates of
    a whole list, or (``per_entry``) those of one entry, for ``--split``."""
    names: dict[str, str] = {}
    for item in builtin_folder().iterdir():
        # Names starting with "_" are pieces the others import, not templates.
        name = item.name.split(".", 1)[0]
        if item.name.endswith(".j2") and not item.name.startswith("_") and (name in ITEM_TEMPLATES) == per_entry:
            names[name] = item.name
    return names


def template_format(file_name: str) -> str:
    """The output format a template file writes, from its name."""
    format_name = format_of(file_name)
    if format_name is None or format_name == "json":
        raise UsageError(f"cannot tell the format of template '{file_name}': name it like mine.md.j2 or mine.html.j2")
    return format_name


class _BuiltinLoader(jinja2.BaseLoader):
    """Loads the built-in templates (``template_files``)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Callable[[], bool]]:
        resource = builtin_folder().joinpath(template)
        if not template.endswith(".j2") or not resource.is_file():
            raise jinja2.TemplateNotFound(template)
        return resource.read_text(encoding="utf-8"), f"builtin/{template}", lambda: True


@jinja2.pass_environment
def wordwrap(
    environment: jinja2.Environment,
    text: str,
    width: int = 79,
    break_long_words: bool = True,
    wrapstring: str | None = None,
    break_on_hyphens: bool = True,
) -> str:
    """Jinja's ``wordwrap``, quick for a line that fits (``wrapping``)."""
    if wrapstring is None:
        wrapstring = environment.newline_sequence
    return wrap_text(text, width, break_long_words, wrapstring, break_on_hyphens)


@jinja2.pass_context
def venue_line_in_words(context: jinja2.runtime.Context, publication: Publication) -> VenueLine:
    """``pub|venue_line`` in the run's words (``--locale``, ``--word``)."""
    return venue_line(publication, context.get("words", ENGLISH))


@jinja2.pass_context
def venue_text_in_words(context: jinja2.runtime.Context, publication: Publication) -> str:
    """``pub|venue_text`` in the run's words."""
    return venue_text(publication, context.get("words", ENGLISH))


@jinja2.pass_context
def footnotes_in_words(context: jinja2.runtime.Context, publication: Publication) -> list[Footnote]:
    """``pub|footnotes`` in the run's words."""
    return footnotes(publication, context.get("words", ENGLISH))


def _cited_filter(format_name: str) -> Callable[..., Any]:
    """``pub|cited``: the entry as ``--style`` cites it, marked up for the
    template's format (escaped already: a ``Markup``), or "" without a style
    or when the style could not cite it (the template then writes its own)."""

    @jinja2.pass_context
    def cited(context: jinja2.runtime.Context, publication: Publication) -> Markup | str:
        citation = citation_of(context.get("citations"), publication)
        if citation is None:
            return ""
        if format_name == "text":
            return str(citation.text)
        return Markup(getattr(citation, format_name))

    return cited


@jinja2.pass_context
def links_shown(context: jinja2.runtime.Context, publication: Publication) -> list[tuple[str, str]]:
    """``pub|links_shown``: (kind, URL) of the links with a target, but for
    those the entry's citation (``--style``) shows already."""
    citation = citation_of(context.get("citations"), publication)
    return shown_links(publication, citation.text if citation is not None else "")


@jinja2.pass_context
def note_beside_citation(context: jinja2.runtime.Context, publication: Publication) -> str:
    """``pub|note_text``: the entry's note, unless its citation says it."""
    citation = citation_of(context.get("citations"), publication)
    return note_text(publication, citation.text if citation is not None else "")


@jinja2.pass_context
def citation_filter(context: jinja2.runtime.Context, publication: Publication) -> Citation | None:
    """``pub|citation``: the entry's ``Citation`` (``--style``), or None:
    its ``text``, ``html``, ``markdown`` and ``latex``."""
    return citation_of(context.get("citations"), publication)


@jinja2.pass_context
def site_url(context: jinja2.runtime.Context, url: str, folder: str | None = None) -> str:
    """``url|site_url``: the link as the site reaches it: a bare file name
    under ``files_base``, a site-relative path made absolute with
    ``base_url`` (``--set`` variables; ``text_pieces.resolve_link``).
    ``url|site_url(folder)`` puts bare names under ``folder`` instead ("":
    as written), for a theme that keeps each kind of file apart."""
    base = _text_variable(context, "files_base") if folder is None else (str(folder) or None)
    return resolve_link(str(url), base, _text_variable(context, "base_url"))


def _text_variable(context: jinja2.runtime.Context, name: str) -> str | None:
    """A variable of the template as text, None when unset or empty."""
    value = context.get(name)
    return str(value) if value and not isinstance(value, jinja2.Undefined) else None


#: The filters that say fixed words, in the run's words.
_WORDED_FILTERS: Final = {
    "venue_line": venue_line_in_words,
    "venue_text": venue_text_in_words,
    "footnotes": footnotes_in_words,
}


@jinja2.pass_context
def bibtex(context: jinja2.runtime.Context, publication: Publication) -> str:
    """``pub|bibtex``: the entry as clean BibTeX, for a "cite" button (the
    run's ``--bibtex-drop`` and ``--bibtex-keep`` apply)."""
    if publication.fields is None:  # else every entry would be shown as nothing, and no one told
        raise UsageError("the bibtex filter writes an entry's fields: load with Options(keep_fields=True)")
    return entry_bibtex(publication, context.get("bibtex_dropped", SITE_FIELDS))


@jinja2.pass_context
def bibtex_markdown(context: jinja2.runtime.Context, publication: Publication) -> Markup:
    """``bibtex`` in Markdown, where it goes in HTML (``<pre>``): HTML-escaped,
    and braces as entities so that Jekyll's Liquid never reads them."""
    import html  # only templates that show BibTeX in Markdown

    text = html.escape(bibtex(context, publication), quote=False)
    return Markup(text.replace("{", "&#123;").replace("}", "&#125;"))


def _finalize_for(format_name: str) -> Callable[[Any], Any]:
    escape = {"markdown": markdown_escape, "latex": filters.latex_escape}.get(format_name)

    def finalize(value: Any) -> Any:
        if value is None:
            return ""
        if isinstance(value, Markup):
            return value
        if format_name == "html":
            # Autoescape leaves braces, which Liquid reads in a page that
            # includes the HTML: so in every HTML template, a user's too.
            return filters.html_braces(value)
        if escape is None:
            return value
        return escape(str(value))

    return finalize


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, which keeps a template from reaching Python's
    internals (``cycler.__init__.__globals__.os``) or changing what it is
    given, with the fields of a few immutable types read at once: checking
    every ``pub.title`` made a large list's rendering nearly twice as slow."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        # For these types a name without "_" is a field, a property or a
        # method that changes nothing; what it gives is checked when used.
        kind = type(obj)
        if (kind in _PLAIN_TYPES and attribute[:1] != "_") or (kind is dict and attribute in _DICT_READERS):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        return super().getattr(obj, attribute)

    def call(self, context: jinja2.runtime.Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        # A template's own macro runs in this sandbox too: nothing to check.
        if type(obj) is Macro:
            return context.call(obj, *args, **kwargs)
        return super().call(context, obj, *args, **kwargs)


#: The model's frozen dataclasses, the venue line's named tuple, Jinja's
#: loop and a namespace's values (the template's own).
_PLAIN_TYPES: Final = frozenset({Listing, Group, Publication, Person, Venue, VenueLine, LoopContext, Namespace})
#: The variables the ``site_url`` filter reads.
SITE_URL_VARIABLES: Final = frozenset({"files_base", "base_url"})
_DICT_READERS: Final = frozenset({"items", "keys", "values", "get"})
_AUTOESCAPED: Final = ("html", "htm", "html.j2", "htm.j2")
_OPTIONS: Final = {"keep_trailing_newline": True, "trim_blocks": True, "lstrip_blocks": True}


@lru_cache(maxsize=8)
def environment(format_name: str, user_dirs: tuple[str, ...] = ()) -> jinja2.Environment:
    """The Jinja environment for one output format (cached: compiled
    templates are reused across renders)."""
    builtin = _BuiltinLoader()
    loader = jinja2.ChoiceLoader(
        [
            *(jinja2.FileSystemLoader(directory) for directory in user_dirs),
            jinja2.PrefixLoader({"builtin": builtin}),
            builtin,
        ]
    )
    env = _Sandbox(
        loader=loader,
        autoescape=jinja2.select_autoescape(enabled_extensions=_AUTOESCAPED, default=False),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize_for(format_name),
        keep_trailing_newline=_OPTIONS["keep_trailing_newline"],
        trim_blocks=_OPTIONS["trim_blocks"],
        lstrip_blocks=_OPTIONS["lstrip_blocks"],
    )
    env.filters.update(filters.FILTERS)
    env.filters["wordwrap"] = wordwrap
    env.filters.update(_WORDED_FILTERS)
    env.filters["cited"] = _cited_filter(format_name)
    env.filters["links_shown"] = links_shown
    env.filters["citation"] = citation_filter
    env.filters["note_text"] = note_beside_citation
    env.filters["tex_href"] = tex_href
    env.filters["site_url"] = site_url
    env.filters["bibtex"] = bibtex_markdown if format_name == "markdown" else bibtex
    # Everything the compiled code depends on but the template's source
    # names the folder of the compiled-template cache.
    settings = f"{type(env).__name__}|{format_name}|{_AUTOESCAPED}|{sorted(_OPTIONS.items())}|{sorted(env.filters)}"
    env.bytecode_cache = bytecode_cache(settings)
    env.globals["link_labels"] = filters.LINK_LABELS
    env.globals["words"] = ENGLISH
    return env


@dataclass(frozen=True, slots=True)
class Template:
    """A template found: the name or path it was asked for by, its file name
    for the loader, the folders searched before the built-ins, and whether
    it is a built-in one. Found once per run and passed on, so that every
    step uses the same file."""

    asked: str
    file: str
    folders: tuple[str, ...] = ()
    builtin: bool = False

    @property
    def format(self) -> str:
        """The output format it writes (a UsageError when its name does not say)."""
        return template_format(self.file)


def resolve_template(name: str, template_dirs: Sequence[str] = ()) -> Template:
    """The template a name or a path names.

    A name is looked for first in ``template_dirs`` (``NAME.FORMAT.j2``,
    which may replace a built-in of that name), then among the built-ins.
    """
    dirs = tuple(os.path.abspath(directory) for directory in template_dirs)
    found = user_template(name, dirs)
    if found is not None:
        return Template(name, found[1], dirs)
    builtins = {**builtin_templates(), **builtin_templates(per_entry=True)}
    if name in builtins:
        return Template(name, builtins[name], dirs, builtin=True)
    if os.path.isfile(name):
        directory, file_name = os.path.split(os.path.abspath(name))
        return Template(name, file_name, (directory, *dirs))
    known = ", ".join(sorted(builtin_templates()))
    per_entry = ", ".join(sorted(builtin_templates(per_entry=True)))
    raise UsageError(
        f"no template '{name}': use a built-in ({known}), one per entry with --split ({per_entry}),"
        " or the path of a .j2 file"
    )


def list_template(name: str, template_dirs: Sequence[str] = ()) -> Template:
    """The template of a whole list ``name`` names: one of a single entry
    is refused (it is for ``--split``)."""
    if name in ITEM_TEMPLATES:
        raise UsageError(f"{name} is a template of one entry: use it with --split DIR")
    return resolve_template(name, template_dirs)


def render_template(
    listing: Listing,
    template: str | Template,
    variables: Mapping[str, str] | None = None,
    max_authors: int | None = None,
    template_dirs: Sequence[str] = (),
    bibtex_dropped: Set[str] | None = None,
    words: Mapping[str, str] = ENGLISH,
    citations: Citations | None = None,
) -> tuple[str, list[Diagnostic]]:
    """Renders ``listing`` with a template, found already or named by a
    name or a path (looked for in ``template_dirs`` first). Templates see
    ``max_authors`` for the ``shorten`` filter, ``bibtex_dropped`` for
    the ``bibtex`` filter, ``words`` (``rendering.words``) and the
    ``link_labels`` they give, and ``citations`` (``--style``, by entry)
    for the ``cited`` filter.

    Returns the text and notes about ``--set`` variables the template ignores.
    """
    found, env, context, notes = _prepare(
        listing, template, variables, max_authors, template_dirs, bibtex_dropped, words, citations
    )
    with _template_errors(found.asked, found.file):
        text = afresh_on_failure(env, lambda: env.get_template(found.file).render(groups=listing.groups, **context))
    if found.format == "latex":
        notes = [*notes, *latex_notes(listing, text, variables or {}, found.file if found.builtin else "")]
    return text, notes


def render_items(
    listing: Listing,
    template: str | Template,
    variables: Mapping[str, str] | None = None,
    max_authors: int | None = None,
    template_dirs: Sequence[str] = (),
    bibtex_dropped: Set[str] | None = None,
    words: Mapping[str, str] = ENGLISH,
    citations: Citations | None = None,
) -> tuple[list[tuple[Publication, str]], list[Diagnostic]]:
    """Each listed publication (hidden ones aside) rendered alone with a
    per-entry template, which sees it as ``pub`` (and the whole ``listing``).
    Returns the texts and notes about ``--set`` variables the template ignores."""
    found, env, context, notes = _prepare(
        listing, template, variables, max_authors, template_dirs, bibtex_dropped, words, citations
    )

    def render_each() -> list[tuple[Publication, str]]:
        compiled = env.get_template(found.file)
        pubs = [pub for group in listing.groups for pub in group.entries if not pub.hidden]
        return [(pub, compiled.render(pub=pub, **context)) for pub in pubs]

    with _template_errors(found.asked, found.file):
        texts = afresh_on_failure(env, render_each)
    return texts, notes


def _prepare(
    listing: Listing,
    template: str | Template,
    variables: Mapping[str, str] | None,
    max_authors: int | None,
    template_dirs: Sequence[str],
    bibtex_dropped: Set[str] | None,
    words: Mapping[str, str],
    citations: Citations | None,
) -> tuple[Template, jinja2.Environment, dict[str, Any], list[Diagnostic]]:
    """The template (found now if named), its environment, what every
    template sees (the listing, ``max_authors``, ``bibtex_dropped``, the
    words and the ``--set`` variables, which may not take those names) and
    notes about variables the template ignores."""
    found = resolve_template(template, template_dirs) if isinstance(template, str) else template
    env = environment(found.format, found.folders)
    variables = dict(variables or {})
    taken = sorted(RESERVED.intersection(variables))
    if taken:
        raise UsageError(f"--set {taken[0]}: the templates already use that name for the listing")
    check_base_url(variables.get("base_url"), variables.get("files_base"))
    notes = _unused_variables(env, found.file, variables)
    dropped = dropped_or_default(bibtex_dropped)
    context = {
        "listing": listing,
        "max_authors": max_authors,
        "bibtex_dropped": dropped,
        "words": dict(words),
        "link_labels": dict(link_labels(words)),
        "citations": dict(citations or {}),
        **variables,
    }
    return found, env, context, notes


@contextmanager
def _template_errors(template: str, template_name: str) -> Iterator[None]:
    """A template's errors as TemplateError, naming its file and line."""
    try:
        yield
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(error.message or "syntax error", error.filename or template, error.lineno) from None
    except Exception as error:  # a template or a --set value gone wrong, not our crash
        if is_out_of_memory(error):
            raise  # the machine's limit, not the template's fault: reported as such
        file, line = _template_position(error, template_name)
        if isinstance(error, Bib2PubsError):  # one of our filters refused: its own words, at the template's line
            raise TemplateError(error.message, file, line) from None
        kind = (
            "template error" if isinstance(error, jinja2.TemplateError) else f"template error ({type(error).__name__})"
        )
        raise TemplateError(f"{kind}: {error}", file, line) from None


def _unused_variables(env: jinja2.Environment, template_name: str, variables: Mapping[str, str]) -> list[Diagnostic]:
    """Warns about ``--set`` names that no template in the chain reads: a
    typo would otherwise pass silently."""
    if not variables or env.loader is None:
        return []
    from jinja2 import meta, nodes  # only a run with --set

    used: set[str] = set()
    pending, seen = [template_name], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source, _, _ = env.loader.get_source(env, name)
            tree = env.parse(source)
        except jinja2.TemplateError:
            continue  # reported when the template itself is rendered
        used |= meta.find_undeclared_variables(tree)
        if any(node.name == "site_url" for node in tree.find_all(nodes.Filter)):
            used |= SITE_URL_VARIABLES
        pending.extend(ref for ref in meta.find_referenced_templates(tree) if ref)
    return [
        Diagnostic("", None, None, "warning", f"--set {name}: the template does not use '{name}'")
        for name in variables
        if name not in used
    ]


def _template_position(error: Exception, template_name: str) -> tuple[str, int | None]:
    """The template file and line a render-time error came from (Jinja
    rewrites tracebacks so template frames carry the template's name)."""
    traceback = error.__traceback__
    file, line = template_name, None
    while traceback is not None:
        name = traceback.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            file, line = name, traceback.tb_lineno
        traceback = traceback.tb_next
    return file, line

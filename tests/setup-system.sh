#!/bin/sh
# Installs the system programs the tests drive, when this machine lets us:
# Debian's jekyll builds the academicpages page exactly as the researcher's
# site does; Debian's chromium opens the html-page output headless; pdflatex
# (texlive-latex-base) compiles the LaTeX output; pandoc reads the CSL-JSON
# output as its citeproc does; hugo builds the hugo-bundle pages as a
# Hugo Blox site reads them; gcc compiles the release build (`make wheel`),
# which the tests check against the source. Without
# root or apt-get the tests that need them are skipped, and say so.
set -u
# With "bench", what `make bench` needs instead: the peers (bibtex2html,
# which runs bibtex), GNU time (peak memory), and the real bibliographies
# Debian ships, for inputs of distinct entries: texlive-bibtex-extra (beebe's
# tugboat.bib and the rest, biblatex styles' examples), and the texlive
# packages with the next largest .bib files (dtk-bibliography, frankenstein,
# the publishers' templates' examples).
need=""
command -v gcc >/dev/null 2>&1 || need="$need gcc"
if [ "${1:-}" = bench ]; then
    texbib=/usr/share/texlive/texmf-dist/bibtex/bib
    command -v bibtex2html >/dev/null 2>&1 || need="$need bibtex2html"
    [ -x /usr/bin/time ] || need="$need time"
    [ -f $texbib/beebe/tugboat.bib ] || need="$need texlive-bibtex-extra"
    [ -f $texbib/dtk-bibliography/dtk-bibliography.bib ] || need="$need texlive-lang-german"
    [ -f $texbib/frankenstein/frankenstein.bib ] || need="$need texlive-latex-extra"
    [ -f $texbib/ieeetran/IEEEexample.bib ] || need="$need texlive-publishers"
    [ -f /usr/share/doc/texlive-doc/latex/umthesis/felty.bib.gz ] || need="$need texlive-publishers-doc"
else
    command -v jekyll >/dev/null 2>&1 || need="$need jekyll"
    command -v chromium >/dev/null 2>&1 || need="$need chromium"
    # pdflatex compiles the latex output, to check no data becomes markup.
    command -v pdflatex >/dev/null 2>&1 || need="$need texlive-latex-base"
    # lualatex, fontspec and Noto fonts compile the latex-document output in every script.
    kpsewhich luaotfload.sty >/dev/null 2>&1 || need="$need texlive-luatex"
    kpsewhich fontspec.sty >/dev/null 2>&1 || need="$need texlive-latex-recommended"
    fc-list 2>/dev/null | grep -q NotoSerifCJK || need="$need fonts-noto-cjk"
    fc-list 2>/dev/null | grep -q NotoSerif-Regular || need="$need fonts-noto-core"
    command -v pdftotext >/dev/null 2>&1 || need="$need poppler-utils"
    # pandoc reads the csl-json output, to check it takes every entry as data.
    command -v pandoc >/dev/null 2>&1 || need="$need pandoc"
    # hugo builds the hugo-bundle pages, to check what a Hugo Blox site reads.
    command -v hugo >/dev/null 2>&1 || need="$need hugo"
fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: cannot install$need (needs root and apt-get); what needs it is skipped, and says so" >&2
    exit 0
fi
echo "installing$need from Debian for the tests ..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $need >/dev/null; }; then
    echo "note: apt-get could not install$need; what needs it is skipped, and says so" >&2
fi
exit 0

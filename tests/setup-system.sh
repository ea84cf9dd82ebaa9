#!/bin/sh
# Installs the system programs the tests drive, when this machine lets us:
# Debian's jekyll builds the academicpages page exactly as the researcher's
# site does; Debian's chromium opens the html-page output headless. Without
# root or apt-get the tests that need them are skipped, and say so.
set -u
need=""
command -v jekyll >/dev/null 2>&1 || need="$need jekyll"
command -v chromium >/dev/null 2>&1 || need="$need chromium"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: cannot install$need (needs root and apt-get); the tests that use it will be skipped" >&2
    exit 0
fi
echo "installing$need from Debian for the tests ..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $need >/dev/null; }; then
    echo "note: apt-get could not install$need; the tests that use it will be skipped" >&2
fi
exit 0

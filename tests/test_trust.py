"""What bib2pubs reads and runs: only the user's own settings files, and
every template in Jinja's sandbox.

Each test replays an attack: a settings file planted in a shared folder
(``/tmp``, a sticky folder, a folder of someone else's) that names a
template escaping to Python, or such a template given by the user.
Someone else is uid 65534 (nobody); giving a file to them needs root, so
those tests are skipped for other users.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import invoke

BIB = "@article{a, title={Serving}, author={Jin, Chao and Li, Ana}, journal={J}, year=2024}\n"
NOBODY = 65534
#: Template code that runs a shell command in an unsandboxed environment.
ESCAPE = "{{ cycler.__init__.__globals__.os.system('touch %s') }}\n"

needs_root = pytest.mark.skipif(
    os.geteuid() != 0, reason="giving a file to another user (uid 65534) needs root; run the tests as root to check it"
)


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch folder as the working directory, with a .bib in it."""
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def plant(folder: Path, marker: Path) -> Path:
    """A settings file in ``folder`` naming an output file and a template
    that would touch ``marker`` if it ran outside the sandbox."""
    (folder / "evil.txt.j2").write_text(ESCAPE % marker, encoding="utf-8")
    settings = folder / "bib2pubs.toml"
    settings.write_text('template = "evil.txt.j2"\noutput = "planted.txt"\n', encoding="utf-8")
    return settings


def assert_default_run(result: Result, folder: Path, marker: Path) -> None:
    """The planted settings were not used: plain text on stdout, no file
    written where they said, nothing run."""
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("2024\n----\n") and "Serving" in result.stdout
    assert not (folder / "planted.txt").exists()
    assert not marker.exists()
    assert "Traceback" not in result.stderr


def test_a_settings_file_in_a_sticky_shared_folder_is_ignored(cwd: Path) -> None:
    # /tmp and folders like it: anyone may create files there.
    shared = cwd / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    settings = plant(shared, cwd / "X")
    (shared / "refs.bib").write_text(BIB, encoding="utf-8")
    os.chdir(shared)
    result = invoke("refs.bib")
    assert_default_run(result, shared, cwd / "X")
    assert f"{settings}: warning: ignored: its folder is writable by everyone" in result.stderr
    assert len(result.stderr.splitlines()) == 1  # one line


def test_the_search_stops_below_a_folder_others_may_write_in(cwd: Path) -> None:
    # No settings file in the working folder: the one in the shared folder
    # above it is not read, and the search goes no further.
    shared = cwd / "shared"
    (shared / "mine").mkdir(parents=True)
    plant(shared, cwd / "X")
    shared.chmod(0o777)
    (shared / "mine" / "refs.bib").write_text(BIB, encoding="utf-8")
    os.chdir(shared / "mine")
    result = invoke("refs.bib")
    assert_default_run(result, shared, cwd / "X")
    assert "bib2pubs.toml: warning: ignored: its folder is writable by everyone" in result.stderr


@needs_root
def test_a_settings_file_owned_by_someone_else_is_ignored(cwd: Path) -> None:
    settings = plant(cwd, cwd / "X")
    os.chown(settings, NOBODY, -1)
    result = invoke("refs.bib")
    assert_default_run(result, cwd, cwd / "X")
    expected = f"{settings}: warning: ignored: owned by uid {NOBODY}, not you (uid 0)"
    assert expected in result.stderr


@needs_root
def test_a_folder_owned_by_someone_else_ends_the_search(cwd: Path) -> None:
    # Their folder, not writable by others, holds my working folder.
    theirs = cwd / "theirs"
    (theirs / "mine").mkdir(parents=True)
    plant(theirs, cwd / "X")
    os.chown(theirs, NOBODY, -1)
    (theirs / "mine" / "refs.bib").write_text(BIB, encoding="utf-8")
    os.chdir(theirs / "mine")
    result = invoke("refs.bib")
    assert_default_run(result, theirs, cwd / "X")
    assert f"ignored: its folder is owned by uid {NOBODY}, not you" in result.stderr


@needs_root
def test_a_link_to_someone_elses_settings_file_is_ignored(cwd: Path) -> None:
    elsewhere = cwd / "elsewhere"
    elsewhere.mkdir()
    settings = plant(elsewhere, cwd / "X")
    os.chown(settings, NOBODY, -1)
    (cwd / "bib2pubs.toml").symlink_to(settings)
    result = invoke("refs.bib")
    assert_default_run(result, cwd, cwd / "X")
    assert "ignored: owned by uid 65534" in result.stderr


@needs_root
def test_a_link_through_a_folder_of_someone_elses_is_ignored(cwd: Path) -> None:
    """The file and its folder are the user's, but a folder above them is
    not: its owner may swap the user's folder for one of their own."""
    theirs = cwd / "theirs"
    mine = theirs / "mine"
    mine.mkdir(parents=True)
    settings = plant(mine, cwd / "X")
    os.chown(theirs, NOBODY, -1)
    (cwd / "bib2pubs.toml").symlink_to(settings)
    result = invoke("refs.bib")
    assert_default_run(result, cwd, cwd / "X")
    assert f"a folder above it, {theirs}, is owned by uid 65534" in result.stderr


def test_a_link_through_a_sticky_shared_folder_to_the_users_own_is_read(cwd: Path) -> None:
    """In a sticky folder (as /tmp) nobody may rename another's entry: the
    user's own folder there is still the user's."""
    shared = cwd / "shared"
    mine = shared / "mine"
    mine.mkdir(parents=True)
    shared.chmod(0o1777)
    (mine / "bib2pubs.toml").write_text('format = "json"\n', encoding="utf-8")
    (cwd / "bib2pubs.toml").symlink_to(mine / "bib2pubs.toml")
    result = invoke("refs.bib")
    assert result.exit_code == 0 and result.stdout.startswith("{"), result.stderr
    assert "ignored" not in result.stderr


@needs_root
def test_a_folder_writable_by_a_shared_group_is_not_searched(cwd: Path) -> None:
    shared = cwd / "group"
    shared.mkdir()
    plant(shared, cwd / "X")
    os.chown(shared, -1, NOBODY)  # group "nogroup", not the user's own
    shared.chmod(0o775)
    (shared / "refs.bib").write_text(BIB, encoding="utf-8")
    os.chdir(shared)
    result = invoke("refs.bib")
    assert_default_run(result, shared, cwd / "X")
    assert f"ignored: its folder is writable by group {NOBODY}" in result.stderr


def test_a_folder_writable_by_the_users_own_group_is_searched(cwd: Path) -> None:
    # Systems with a group per user (alice:alice) make folders 775.
    import grp
    import pwd

    me = pwd.getpwuid(os.geteuid())
    group = grp.getgrgid(os.getegid())
    if group.gr_name != me.pw_name or set(group.gr_mem) - {me.pw_name}:
        pytest.skip(f"the group {group.gr_name} is not the user's own group, named as the user with no other member")
    (cwd / "bib2pubs.toml").write_text('highlight = "Chao Jin"\nformat = "markdown"\n', encoding="utf-8")
    os.chown(cwd, -1, group.gr_gid)
    cwd.chmod(0o775)
    result = invoke("refs.bib")
    assert result.exit_code == 0, result.stderr
    assert "**Chao Jin**" in result.stdout
    assert result.stderr == ""


@needs_root
def test_config_names_a_file_of_someone_elses_it_is_read_with_a_warning(cwd: Path) -> None:
    # The user chose it on the command line; the template it names still
    # runs in the sandbox.
    settings = cwd / "theirs.toml"
    settings.write_text('highlight = "Chao Jin"\nformat = "markdown"\n', encoding="utf-8")
    os.chown(settings, NOBODY, -1)
    result = invoke("refs.bib", "--config", str(settings))
    assert result.exit_code == 0, result.stderr
    assert "**Chao Jin**" in result.stdout
    assert f"{settings}: warning: owned by uid {NOBODY}, not you (uid 0); read because --config names it\n" == (
        result.stderr
    )


def assert_stopped(result: Result, marker: Path) -> None:
    """The template failed as a template error: exit 1, one clear line, no
    traceback, and the command it held did not run."""
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert not marker.exists()
    assert "Traceback" not in result.stderr
    assert "template error" in result.stderr and "unsafe" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_user_template_cannot_reach_python(cwd: Path) -> None:
    marker = cwd / "X"
    (cwd / "mine.txt.j2").write_text(ESCAPE % marker, encoding="utf-8")
    assert_stopped(invoke("refs.bib", "-t", "./mine.txt.j2"), marker)
    (cwd / "tpl").mkdir()
    (cwd / "tpl" / "mine.md.j2").write_text(ESCAPE % marker, encoding="utf-8")
    assert_stopped(invoke("refs.bib", "--template-dir", "tpl", "-t", "mine"), marker)


def test_a_template_named_by_the_settings_file_cannot_reach_python(cwd: Path) -> None:
    # The settings file is the user's own (a co-author's commit, say): it
    # is read, and its template runs in the sandbox.
    (cwd / ".git").mkdir()
    marker = cwd / "X"
    (cwd / "tpl").mkdir()
    (cwd / "tpl" / "cv.html.j2").write_text(ESCAPE % marker, encoding="utf-8")
    (cwd / "bib2pubs.toml").write_text('template = "tpl/cv.html.j2"\n', encoding="utf-8")
    assert_stopped(invoke("refs.bib"), marker)
    # A user template that extends a built-in one is sandboxed too.
    (cwd / "tpl" / "cv.html.j2").write_text(
        '{% extends "builtin/html.html.j2" %}{% block list %}' + ESCAPE % marker + "{% endblock %}", encoding="utf-8"
    )
    assert_stopped(invoke("refs.bib"), marker)


@pytest.mark.parametrize(
    "expression",
    [
        "groups[0].entries[0].__class__.__init__.__globals__",  # the model's own types
        "groups[0].entries[0].authors[0].__class__",
        "groups[0].entries[0].marks.__class__",
        "''.__class__.__mro__",
        "'{0.__class__}'.format(groups)",
        "lipsum.__globals__",
        "namespace.__init__",
        "self._TemplateReference__context",
        "link_labels.update({'pdf': 'x'})",  # shared data is not changed
        "groups[0].entries[0].links.update({'pdf': 'x'})",
    ],
)
def test_no_way_out_of_the_sandbox(cwd: Path, expression: str) -> None:
    (cwd / "probe.md.j2").write_text(f"{{{{ {expression} }}}}\n", encoding="utf-8")
    result = invoke("refs.bib", "-t", "./probe.md.j2")
    assert result.exit_code == 1, result.stdout
    assert "unsafe" in result.stderr and "Traceback" not in result.stderr


def test_loops_and_namespaces_work_in_the_sandbox(cwd: Path) -> None:
    # What the fast path of the sandbox reads at once still reads right.
    (cwd / "mine.txt.j2").write_text(
        "{% set ns = namespace(n=0) %}{% for g in groups %}{% for p in g.entries %}"
        "{% set ns.n = ns.n + 1 %}{{ loop.index }}:{{ p.title }}:{{ p.authors[0].last }}"
        "{% for k, v in p.links.items() %}{{ k }}{% endfor %}{% endfor %}{% endfor %} {{ ns.n }}\n",
        encoding="utf-8",
    )
    result = invoke("refs.bib", "-t", "./mine.txt.j2")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "1:Serving:Jin 1\n"


def test_the_users_cache_folder_permissions_are_only_the_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Made for the user alone, whatever the umask.
    from bib2pubs.cachedir import cache_folder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    monkeypatch.delenv("BIB2PUBS_NO_CACHE", raising=False)
    old = os.umask(0)
    try:
        folder = cache_folder("templates-x")
    finally:
        os.umask(old)
    assert folder is not None
    for path in (tmp_path / "c" / "bib2pubs", Path(folder)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700


#: Runs bib2pubs with the test environment's packages (its .pth files too,
#: which an editable install needs): a folder given first, then the options.
_LAUNCH = (
    "import runpy, site, sys; site.addsitedir(sys.argv.pop(1)); "
    "runpy.run_module('bib2pubs', run_name='__main__', alter_sys=True)"
)


def _python_for_nobody() -> list[str] | None:
    """A command that runs this checkout's bib2pubs as uid 65534: the
    test environment's Python when that user may run it, else the system's
    of the same version with the environment's packages."""
    import subprocess
    import sys
    import sysconfig

    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    for python in (sys.executable, f"/usr/bin/python{version}"):
        command = [python, "-c", _LAUNCH, sysconfig.get_paths()["purelib"]]
        try:
            probe = subprocess.run(
                [*command, "--version"],
                env={"PATH": "/usr/bin:/bin"},
                user=NOBODY,
                group=NOBODY,
                capture_output=True,
                check=False,
            )
        except OSError:  # not there, or not for that user to run
            continue
        if probe.returncode == 0:
            return command
    return None


@pytest.fixture
def open_tmp() -> Iterator[Path]:
    """A scratch folder that another user may enter (pytest's are the
    owner's alone)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp())
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


@needs_root
def test_replayed_as_a_user_who_is_not_root(open_tmp: Path) -> None:
    """The red team's case as it happens: a user (uid 65534 here) works in
    a folder of theirs inside a sticky shared one, where someone else (root)
    has planted a settings file naming a template that escapes to Python."""
    import subprocess

    command = _python_for_nobody()
    if command is None:
        pytest.skip("no Python that uid 65534 may run with this checkout's packages")
    shared = open_tmp / "shared"
    home = shared / "user"
    home.mkdir(parents=True)
    shared.chmod(0o1777)
    marker = shared / "ran"
    plant(shared, marker)
    (home / "refs.bib").write_text(BIB, encoding="utf-8")
    (home / "mine.txt.j2").write_text(ESCAPE % marker, encoding="utf-8")
    os.chown(home, NOBODY, NOBODY)
    for path in home.iterdir():
        os.chown(path, NOBODY, NOBODY)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "BIB2PUBS_NO_CACHE": "1",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args], cwd=home, env=env, user=NOBODY, group=NOBODY, text=True, capture_output=True, check=False
        )

    planted = run("refs.bib")
    assert planted.returncode == 0 and "Serving" in planted.stdout, planted.stderr
    assert "warning: ignored:" in planted.stderr and str(shared / "bib2pubs.toml") in planted.stderr
    assert not (shared / "planted.txt").exists() and not marker.exists()
    own = run("refs.bib", "-t", "mine.txt.j2")
    assert own.returncode == 1 and "Traceback" not in own.stderr and "unsafe" in own.stderr
    assert not marker.exists()

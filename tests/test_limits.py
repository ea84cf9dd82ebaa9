"""Inputs are bounded: a file over --max-size or --max-entries is refused
before parsing, an endless pipe or device is read no further than the
limit, and running out of memory is a clear error, not an internal one."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from bib2pubs import InputError, Limits
from bib2pubs.cli.command import cli
from bib2pubs.errors import is_out_of_memory
from bib2pubs.read.source import MAX_ENTRIES, MAX_SIZE, parse_size, read_source, size_text
from tests.conftest import REFS, ROOT, invoke

ENTRY = "@misc{k%d, title = {T}, year = 2020}\n"


def _tiny(count: int) -> str:
    """The red team's file: ``count`` entries with nothing in them."""
    return "".join(f"@misc{{k{number},}}\n" for number in range(count))


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bib2pubs", *args]


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("64MB", 64 * 1024**2),
        ("64M", 64 * 1024**2),
        ("64mib", 64 * 1024**2),
        ("1.5GB", 3 * 1024**3 // 2),
        ("500k", 500 * 1024),
        ("1000", 1000),
        ("12 b", 12),
    ],
)
def test_sizes_are_read_with_their_units(text: str, size: int) -> None:
    assert parse_size(text) == size


def test_a_size_past_any_number_is_no_limit() -> None:
    huge = "9" * 5000  # a float's infinity, and past what int() reads
    assert parse_size(huge) == parse_size(huge + "GB") == 2**62
    result = invoke(str(REFS), "--max-size", huge, "-f", "text")
    assert result.exit_code == 0 and "Ditto" in result.stdout


#: A number in each place one is read, too long for int() (4,300 digits at most).
_DIGITS = "9" * 5000
NUMBERS_PAST_INT = {
    "month": f"@article{{a, title = {{T}}, author = {{Li, Ana}}, year = 2020, month = {{{_DIGITS}}}}}\n",
    "edition": f"@book{{b, title = {{B}}, author = {{Li, Ana}}, year = 2020, edition = {{{_DIGITS}}}}}\n",
    "annotation": (
        "@article{c, title = {C}, author = {Li, Ana and Wu, Bo}, year = 2020,"
        f" author+an = {{{_DIGITS}=highlight}}}}\n"
    ),
    "mark field": f"@misc{{d, title = {{D}}, author = {{Li, Ana}}, year = 2020, equal = {{{_DIGITS}-{_DIGITS}}}}}\n",
}


@pytest.mark.parametrize("field", NUMBERS_PAST_INT)
@pytest.mark.parametrize("format_name", ["html", "text", "markdown", "json"])
def test_a_number_past_what_int_reads_is_read_as_text_not_a_crash(
    field: str,
    format_name: str,
    write_bib,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("BIB2PUBS_JOBS", _DIGITS)  # as many processes as one could ask for: two
    result = invoke(str(write_bib(NUMBERS_PAST_INT[field])), "-f", format_name)
    assert result.exit_code == 0, result.stderr
    assert "internal error" not in result.stderr and "skipped" not in result.stderr
    assert ("Li" in result.stdout) and (field != "edition" or _DIGITS in result.stdout)


@pytest.mark.parametrize("text", ["12zz", "MB", "0", "-5MB", ""])
def test_a_size_that_is_none_is_a_usage_error(text: str) -> None:
    with pytest.raises(ValueError, match="size"):
        parse_size(text)
    result = invoke(str(REFS), "--max-size", text)
    assert result.exit_code == 2 and "Invalid value for '--max-size'" in result.stderr


def test_a_file_over_the_size_limit_is_refused(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib("".join(ENTRY % number for number in range(60)))  # 2,220 bytes
    result = invoke(str(path), "-f", "text", "--max-size", "2KB")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"{path}: error: 2.2 KB, larger than the 2 KB limit (--max-size raises it)\n"
    assert invoke(str(path), "-f", "text", "--max-size", "3KB").exit_code == 0


def test_the_limits_come_from_the_environment_and_the_settings_file(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("".join(ENTRY % number for number in range(20)), encoding="utf-8")
    runner = CliRunner()
    by_environment = runner.invoke(cli, [str(bib), "-f", "text"], env={"BIB2PUBS_MAX_SIZE": "100"})
    assert by_environment.exit_code == 2 and "larger than the 100 bytes limit" in by_environment.stderr
    settings = tmp_path / "bib2pubs.toml"
    settings.write_text("max-entries = 10\n", encoding="utf-8")
    by_settings = invoke(str(bib), "-f", "text", "--config", str(settings))
    assert by_settings.exit_code == 2
    assert by_settings.stderr == f"{bib}: error: more than 10 entries, the limit (--max-entries raises it)\n"
    assert invoke(str(bib), "-f", "text", "--config", str(settings), "--max-entries", "20").exit_code == 0


def test_a_million_empty_entries_are_refused_before_parsing(tmp_path: Path) -> None:
    # 16 MB, well under the size limit, but parsed they took gigabytes.
    bib = tmp_path / "tiny.bib"
    bib.write_text(_tiny(1_000_000), encoding="utf-8")
    result = invoke(str(bib), "-f", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"{bib}: error: more than {MAX_ENTRIES:,} entries, the limit (--max-entries raises it)\n"


def test_the_entry_limit_counts_entries_not_at_signs(write_bib) -> None:  # type: ignore[no-untyped-def]
    # Addresses hold "@" too: only where an entry starts counts.
    emails = ", ".join(f"a{number}@example.org" for number in range(50))
    path = write_bib("".join(f"@misc{{k{number}, title = {{T}}, note = {{{emails}}}}}\n" for number in range(5)))
    assert invoke(str(path), "-f", "text", "--max-entries", "5").exit_code == 0
    refused = invoke(str(path), "-f", "text", "--max-entries", "4")
    assert refused.exit_code == 2 and "more than 4 entries, the limit" in refused.stderr


def test_standard_input_is_read_no_further_than_the_limit() -> None:
    result = invoke("-", "-f", "text", "--max-size", "1KB", input=b"@misc{a, title={A}}\n" * 100)
    assert result.exit_code == 2
    limit = "more than the 1 KB limit (a pipe or device, which may never end); read no further"
    assert result.stderr == f"<stdin>: error: {limit} (--max-size raises it)\n"


def test_a_fifo_that_never_ends_is_read_no_further_than_the_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "endless.bib"
    os.mkfifo(fifo)
    written = [0]

    def write_forever() -> None:
        try:  # closing the pipe flushes, and can meet the closed end too
            with open(fifo, "wb") as pipe:
                while True:
                    written[0] += pipe.write(b"@misc{a, title={A}}\n" * 1000)
        except BrokenPipeError:
            return  # the reader stopped, as it should

    writer = threading.Thread(target=write_forever, daemon=True)
    writer.start()
    result = invoke(str(fifo), "-f", "text", "--max-size", "1MB")
    writer.join(timeout=30)
    assert not writer.is_alive(), "the reader never stopped"
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{fifo}: error: more than the 1 MB limit (a pipe or device, which may never end)" in result.stderr
    assert written[0] < 4 * 1024 * 1024  # the limit and what the pipe held, no more


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_an_endless_device_ends_with_a_clear_error(device: str) -> None:
    # Before, /dev/zero was read until memory ran out: an internal error.
    result = subprocess.run(
        _command(device, "-f", "text", "--max-size", "4MB"), capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 2 and result.stdout == ""
    limit = "more than the 4 MB limit (a pipe or device, which may never end); read no further"
    assert result.stderr == f"{device}: error: {limit} (--max-size raises it)\n"


def test_an_endless_standard_input_ends_with_a_clear_error() -> None:
    script = f"yes '@misc{{a, title = {{A}}}}' | {sys.executable} -m bib2pubs - -f text 2>&1"
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 2
    assert result.stdout.startswith(f"<stdin>: error: more than the {size_text(MAX_SIZE)} limit (a pipe or device")


def test_the_limit_is_applied_when_read_however_the_file_is_parsed(tmp_path: Path) -> None:
    # Over a megabyte: the size at which a file is parsed in two processes.
    path = tmp_path / "large.bib"
    path.write_text("".join(ENTRY % number for number in range(40_000)), encoding="utf-8")
    with pytest.raises(InputError, match="more than 39,999 entries"):
        read_source(str(path), limits=Limits(entries=39_999))
    for jobs in ("1", "2"):
        refused = subprocess.run(
            _command(str(path), "-f", "text", "--max-entries", "39999"),
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
            env={**os.environ, "BIB2PUBS_JOBS": jobs},
        )
        assert refused.returncode == 2 and "more than 39,999 entries" in refused.stderr


def _limited(limit_mb: int, *args: str, jobs: str) -> subprocess.CompletedProcess[str]:
    """A run whose address space is capped at ``limit_mb``."""
    import resource

    def cap() -> None:
        limit = limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run(
        _command(*args),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        preexec_fn=cap,  # the limit holds in the child only
        env={**os.environ, "BIB2PUBS_JOBS": jobs},
        cwd=ROOT,
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_out_of_memory_is_a_clear_error_not_an_internal_one(tmp_path: Path, jobs: str) -> None:
    # A small run fits in 100 MB of address space; these 200,000 entries,
    # within the limits, need several times that.
    bib = tmp_path / "tiny.bib"
    bib.write_text(_tiny(200_000), encoding="utf-8")
    assert _limited(120, str(REFS), "-f", "text", jobs=jobs).returncode == 0
    result = _limited(120, str(bib), "-f", "json", jobs=jobs)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    expected = f"bib2pubs: error: out of memory listing {bib}; free some memory, or list fewer entries"
    assert result.stderr.splitlines()[-1] == expected


def test_what_python_raises_for_memory_counts_as_out_of_memory() -> None:
    assert is_out_of_memory(MemoryError())
    # Python 3.11's error when no memory is left for one more call's frame.
    assert is_out_of_memory(SystemError("error return without exception set"))
    assert not is_out_of_memory(SystemError("something else"))
    assert not is_out_of_memory(ValueError("error return without exception set"))


def test_memory_running_out_in_one_entry_ends_the_run_rather_than_skipping_entries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each entry is normalized under a catch-all, so that one odd entry
    cannot sink the page; out of memory is no entry's fault, and turning it
    into "entry skipped" would lose every entry quietly."""
    from bib2pubs import normalize

    def starved(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(normalize, "normalize_entry", starved)
    result = invoke(str(REFS), "-f", "text")
    assert result.exit_code == 1
    assert "out of memory" in result.stderr and "entry skipped" not in result.stderr


def test_memory_running_out_while_building_the_macro_table_is_not_an_empty_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The fallback table is kept for the run: an empty one would quietly
    lose every macro it names."""
    import importlib

    from bib2pubs.latex import macros as latex_macros

    def starved(name: str) -> object:
        raise MemoryError

    monkeypatch.setattr(importlib, "import_module", starved)
    with pytest.raises(MemoryError):
        latex_macros.pylatexenc_symbols.__wrapped__()


def test_memory_running_out_while_rendering_is_no_template_error() -> None:
    """A template's own errors are reported as its errors, with its file and
    line; running out of memory is not one, and says so."""
    from bib2pubs import TemplateError
    from bib2pubs.rendering.jinja import _template_errors

    with pytest.raises(MemoryError), _template_errors("list.md.j2", "list.md.j2"):
        raise MemoryError
    with pytest.raises(TemplateError), _template_errors("list.md.j2", "list.md.j2"):
        raise ZeroDivisionError


def test_out_of_memory_is_said_once_what_the_run_kept_is_let_go(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """A one-run process keeps its listing to the end; running out while
    rendering, it must let it go to have the memory to say so, and write
    the line made before the run where even saying it finds none (it once
    ended on a bare 'MemoryError' from Python)."""
    from bib2pubs import pipeline
    from bib2pubs.cli import running

    kept_when_said = []

    def tight(line: str) -> None:
        kept_when_said.append(len(pipeline.kept_to_the_end))
        raise MemoryError

    def runs_out() -> None:
        pipeline.kept_to_the_end.append(["a listing"])
        raise MemoryError

    monkeypatch.setattr(pipeline, "kept_to_the_end", [])
    monkeypatch.setattr(running, "say", tight)
    assert running.guarded(runs_out, ["refs.bib"], False) == 1
    assert kept_when_said == [0]
    expected = "bib2pubs: error: out of memory listing refs.bib; free some memory, or list fewer entries\n"
    assert capfd.readouterr().err == expected

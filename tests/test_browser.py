"""The html-page output in a real browser: headless Chromium (Debian's
``chromium``, which ``make test`` installs when it can).

The page is opened with a small probe added at the top of its <head>: it
records console errors and, once the page has loaded, writes what the
browser computed into the DOM, which ``--dump-dom`` returns. A screenshot
is kept in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REFS, ROOT, invoke

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (make test installs Debian's chromium when run as root)"
)
ARTIFACTS = ROOT / "tests" / "artifacts"

PROBE = """<script>
window.__errors = [];
window.addEventListener("error", (event) => window.__errors.push(String(event.message)));
const consoleError = console.error;
console.error = (...args) => { window.__errors.push(args.join(" ")); consoleError(...args); };
window.addEventListener("load", () => {
  const entries = [...document.querySelectorAll("li.pub")].map((li) => ({
    id: li.id,
    links: [...li.querySelectorAll("a.pub-link")].map((a) => a.getAttribute("href")),
  }));
  const highlights = [...document.querySelectorAll(".pub-highlight-self")].map((el) => ({
    text: el.textContent,
    weight: getComputedStyle(el).fontWeight,
  }));
  const others = [...document.querySelectorAll(".pub-author:not(.pub-highlight)")].slice(0, 5).map(
    (el) => getComputedStyle(el).fontWeight
  );
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => Number(h.tagName[1]));
  const links = [...document.querySelectorAll("a.pub-link")].map((a) => {
    const box = a.getBoundingClientRect();
    return { name: a.getAttribute("aria-label") || a.textContent, width: box.width, height: box.height };
  });
  const out = document.createElement("pre");
  out.id = "probe-result";
  out.textContent = JSON.stringify({ entries, highlights, others, headings, links, errors: window.__errors });
  document.body.appendChild(out);
});
</script>"""


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("page")
    path = folder / "publications.html"
    result = invoke(str(REFS), "-H", "Chao Jin", "-t", "html-page", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    return path


def test_html_page_in_headless_chromium(page: Path) -> None:
    probed = page.with_name("probed.html")
    probed.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>\n" + PROBE, 1), encoding="utf-8")
    result = _chromium("--virtual-time-budget=5000", "--dump-dom", probed.as_uri())
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', result.stdout, re.S)
    assert found, f"no probe result; chromium said: {result.stderr[-2000:]}"
    report = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<"))

    assert report["errors"] == []
    assert report["highlights"], "no highlighted author on the page"
    assert all(item["text"] == "Chao Jin" and int(item["weight"]) >= 700 for item in report["highlights"])
    assert all(int(weight) < 600 for weight in report["others"])

    model = json.loads(invoke(str(REFS), "-H", "Chao Jin", "-f", "json").stdout)
    expected = {
        f"pub-{entry['key']}": [url for url in entry["links"].values() if url]
        for group in model["groups"]
        for entry in group["entries"]
        if not entry["hidden"]
    }
    assert {entry["id"]: entry["links"] for entry in report["entries"]} == expected


def test_html_page_is_usable_without_sight_and_by_touch(page: Path) -> None:
    probed = page.with_name("probed.html")
    probed.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>\n" + PROBE, 1), encoding="utf-8")
    result = _chromium("--virtual-time-budget=5000", "--window-size=390,844", "--dump-dom", probed.as_uri())
    found = re.search(r'<pre id="probe-result">(.*?)</pre>', result.stdout, re.S)
    assert found, f"no probe result; chromium said: {result.stderr[-2000:]}"
    report = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<"))
    # Headings never skip a level (h1, then h2 for each group).
    headings = report["headings"]
    assert headings[0] == 1 and all(later - earlier <= 1 for earlier, later in itertools.pairwise(headings))
    # Every link names what it is and of which work: no two share a name.
    names = [link["name"] for link in report["links"]]
    assert names and len(set(names)) == len(names), names
    assert all(": " in name for name in names)
    # A finger's target: at least 24 px each way (WCAG 2.2, 2.5.8).
    assert all(link["width"] >= 24 and link["height"] >= 24 for link in report["links"]), report["links"]


def test_html_page_printed_shows_the_addresses(page: Path, tmp_path: Path) -> None:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (make test installs Debian's poppler-utils when run as root)")
    pdf = tmp_path / "printed.pdf"
    result = _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf.exists(), result.stderr[-2000:]
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", "", text)
    assert "<https://arxiv.org/pdf/2504.15930>" in flat
    assert "</files/papers/NSDI24-Jolteon.pdf>" in flat


def test_html_page_screenshot_is_kept(page: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "html-page.png"
    shot.unlink(missing_ok=True)
    result = _chromium("--window-size=1100,1800", f"--screenshot={shot}", page.as_uri())
    assert shot.exists() and shot.stat().st_size > 10_000, result.stderr[-2000:]

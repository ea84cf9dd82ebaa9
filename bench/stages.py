"""Where bib2pubs' time goes on one input: each stage of the pipeline, and
how often the caches of normalizing found what they were asked for.

Run by the bench in bib2pubs' own environment (``python bench/stages.py
FILE``, the installed build imported, not the source tree), it prints one
line of JSON: the entries, the seconds of each stage, and the hits and
misses of the caches. It times the library's stages one after another in
one process, with the cycle collector paused as a run of the command
pauses it; start-up, loading the venue table, writing the file and the
command's own work are not in it. Only the standard library and bib2pubs
are imported.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from dataclasses import replace
from typing import Any

#: The caches normalizing leans on, by what they hold: (module, name).
#: A name a later version no longer has is left out of the answer.
CACHES = {
    "names": ("bib2pubs.names.people", "_read_person"),
    "venues": ("bib2pubs.venues.classify", "_cached_venue"),
    "latex": ("bib2pubs.latex.decode", "_cached_decode"),
}


def stages(path: str) -> dict[str, Any]:
    # Imported here, where the script runs in bib2pubs' own environment:
    # importing this module for its constants needs no bib2pubs.
    import importlib

    from bib2pubs import pipeline
    from bib2pubs.model import Listing
    from bib2pubs.names.highlight import patterns_of
    from bib2pubs.normalize import Normalizer
    from bib2pubs.preprints import merge_preprints
    from bib2pubs.read.bibtex import parse_sources
    from bib2pubs.read.crossref import resolve_crossrefs
    from bib2pubs.select import Selection, select
    from bib2pubs.venues.table import builtin_table

    gc.disable()
    seconds: dict[str, float] = {}
    clock = time.perf_counter
    start = clock()
    sources, _ = pipeline.read_sources([path])
    seconds["read"] = clock() - start
    start = clock()
    bibliography = parse_sources([(source.name, source.text) for source in sources])
    seconds["parse"] = clock() - start
    start = clock()
    entries, containers, _ = resolve_crossrefs(bibliography.entries)
    seconds["cross-references"] = clock() - start
    normalizer = replace(Normalizer(patterns_of(()), "full", builtin_table()), containers=containers)
    start = clock()
    publications, _ = normalizer.all(entries)
    seconds["normalize"] = clock() - start
    start = clock()
    groups = select(merge_preprints(publications), Selection())
    seconds["merge and select"] = clock() - start
    caches: dict[str, tuple[int, int]] = {}
    for what, (module, name) in CACHES.items():
        info = getattr(getattr(importlib.import_module(module), name, None), "cache_info", None)
        if info is not None:
            found = info()
            caches[what] = (found.hits, found.misses)
    # The listing the writers take, from the stages above (HTML shows no warnings).
    listing = Listing(groups, (), len(bibliography.entries))
    start = clock()
    pipeline.render(listing, pipeline.RenderSpec(format="html"))
    seconds["HTML"] = clock() - start
    return {"entries": len(entries), "seconds": seconds, "caches": caches}


if __name__ == "__main__":
    print(json.dumps(stages(sys.argv[1])))
    sys.stdout.flush()

"""Preprints merged into their published versions."""

from __future__ import annotations

import json

from tests.conftest import invoke

PAIRS = r"""
@inproceedings{ditto, title = {Ditto: Efficient Serverless Analytics}, author = {Jin, Chao and Jin, Xin},
  booktitle = {Proceedings of the ACM SIGCOMM 2023 Conference}, year = 2023, pdf = {/ditto.pdf},
  doi = {10.1145/3603269.3604827}}
@misc{ditto-arxiv, title = {Ditto: efficient serverless analytics}, author = {Jin, Chao and Zhang, Zili},
  eprint = {2309.01681}, archiveprefix = {arXiv}, year = 2023, code = {https://github.com/ditto/ditto}}
@article{auncel, title = {Fast, Approximate Vector Queries}, author = {Zhang, Zili}, journal = {TPDS},
  eprint = {2211.12345}, archiveprefix = {arXiv}, year = 2024}
@misc{auncel-arxiv, title = {A Different Working Title}, author = {Zhang, Zili}, eprint = {2211.12345},
  archiveprefix = {arXiv}, year = 2022}
@article{melon, title = {Melon: Breaking the Memory Wall}, author = {Wang, Qipeng}, journal = {TMC},
  doi = {https://doi.org/10.1109/TMC.2022.1}, year = 2022}
@misc{melon-pre, title = {Melon preprint}, author = {Wang, Qipeng}, howpublished = {arXiv},
  doi = {10.1109/tmc.2022.1}, year = 2021}
@inproceedings{survey, title = {A Survey of Serverless Computing}, author = {Smith, Ann}, booktitle = {NSDI},
  year = 2020}
@misc{survey-arxiv, title = {A Survey of Serverless Computing}, author = {Doe, John}, howpublished = {arXiv},
  year = 2019}
"""


def _keys(stdout: str) -> list[str]:
    return [entry["key"] for group in json.loads(stdout)["groups"] for entry in group["entries"]]


def test_a_preprint_joins_its_published_version(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(PAIRS)
    result = invoke(str(path), "-f", "json")
    assert result.exit_code == 0, result.stderr
    # By title (with a common author), by arXiv id, by DOI; the survey
    # preprint has the same title but nobody in common: another paper.
    assert _keys(result.stdout) == ["auncel", "ditto", "melon", "survey", "survey-arxiv"]
    ditto = next(e for g in json.loads(result.stdout)["groups"] for e in g["entries"] if e["key"] == "ditto")
    assert list(ditto["links"].items()) == [
        ("pdf", "/ditto.pdf"),
        ("code", "https://github.com/ditto/ditto"),
        ("arxiv", "https://arxiv.org/abs/2309.01681"),
        ("doi", "https://doi.org/10.1145/3603269.3604827"),
    ]


def test_keep_preprints_lists_both(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(PAIRS)
    result = invoke(str(path), "-f", "json", "--keep-preprints")
    assert len(_keys(result.stdout)) == 8


def test_a_preprint_never_merges_into_a_talk_or_a_thesis(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(
        "@phdthesis{thesis, title = {Serving Large Models Efficiently}, author = {Jin, Chao}, school = {PKU},"
        " year = 2024}\n"
        "@misc{talk, title = {Serving Large Models Efficiently}, author = {Jin, Chao}, howpublished = {Invited talk},"
        " year = 2024}\n"
        "@misc{pre, title = {Serving Large Models Efficiently}, author = {Jin, Chao}, eprint = {2401.00001},"
        " archiveprefix = {arXiv}, year = 2024}\n"
    )
    assert sorted(_keys(invoke(str(path), "-f", "json").stdout)) == ["pre", "talk", "thesis"]


def test_the_same_arxiv_id_is_the_same_paper_whatever_the_authors(write_bib) -> None:  # type: ignore[no-untyped-def]
    path = write_bib(
        "@inproceedings{pub, title = {Secure Aggregation}, author = {Bonawitz, Keith},"
        " booktitle = {CCS}, arxiv = {1611.04482}, year = 2017}\n"
        "@misc{pre, title = {Practical Secure Aggregation}, author = {Keith Bonawitz}, eprint = {1611.04482},"
        " archiveprefix = {arXiv}, year = 2016}\n"
        "@inproceedings{amp, title = {Types & Effects for Safe Systems}, author = {Doe, Jane},"
        " booktitle = {PLDI}, year = 2020}\n"
        "@misc{amp-pre, title = {Types and Effects for Safe Systems (Extended Version)}, author = {Doe, Jane},"
        " howpublished = {arXiv}, year = 2019}\n"
    )
    assert _keys(invoke(str(path), "-f", "json").stdout) == ["amp", "pub"]

"""End-to-end golden cases: real articles with hand-made expectations (see README.md)."""

from __future__ import annotations

import pytest

from golden import cases, check, known_failures

KNOWN = known_failures()


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_golden_case(case) -> None:
    if case.name in KNOWN:
        pytest.xfail(KNOWN[case.name])
    result = check(case)
    assert not result.problems, "\n".join(result.problems)


def test_every_span_quotes_the_article() -> None:
    from golden import load_article
    from rokhdad.pipeline import process

    for case in cases():
        article = load_article(case)
        for event in process(article):
            for span in event.evidence:
                assert article.text[span.start:span.end].strip()
            if event.place is not None:
                for span in event.place.spans:
                    assert article.text[span.start:span.end] == event.place.text

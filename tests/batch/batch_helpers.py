"""Shared helpers of the batch tests (a module with a name of its own: every test folder
puts its folder on sys.path, so ``from conftest import …`` could find another folder's)."""

from __future__ import annotations

from pathlib import Path

PROCESSOR = "batch_processors:process"  # the real extractor, with injected failures
NEWS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ir-news-2020"
# articles the batch input holds at least: the bundled samples alone when ../shared is absent
MIN_ARTICLES = 100 if (NEWS / "articles.jsonl").exists() else 30


def read_rows(output: Path, table: str) -> list[dict]:
    from rokhdad.batch.io import read_table

    return read_table(output / table).to_pylist()

"""Loading a batch output into the store: ``rokhdad ingest OUTPUT``.

Entry point ``Replay(paths)``: its ``items()`` are the output's articles and unreadable
records, and calling it on an article returns the events the batch recorded for it (or
raises its recorded failure), so ``store.ingest.ingest`` stores exactly what the batch
coded without coding again, then merges incidents by its own rules. Memory: the event
records of one output at a time.
"""

from __future__ import annotations

import json
from collections import OrderedDict, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path

from rokhdad import serialize
from rokhdad.batch import io
from rokhdad.batch.rows import ARTICLES, FAILURES, MENTIONS, STAGE_INPUT, text_sha256
from rokhdad.errors import InputError
from rokhdad.model import Article, Event
from rokhdad.store.inputs import InputFailure

STASH_LIMIT = 4096  # articles read ahead of the ingest (it codes 64 at a time): ample


class RecordedFailure(Exception):
    """A failure the batch recorded; ``store.ingest.code`` keeps ``error_class``."""

    def __init__(self, error_class: str, message: str) -> None:
        super().__init__(message)
        self.error_class = error_class


def output_root(path: str) -> Path | None:
    """The batch output directory ``path`` names (itself, or the one of its mentions table), or None."""
    where = io.local_path(path)
    candidates = [where]
    if where.name in (MENTIONS, f"{MENTIONS}.parquet") or where.parent.name == MENTIONS:
        candidates.append(where.parent if where.name.startswith(MENTIONS) else where.parent.parent)
    for root in candidates:
        if root.is_dir() and (root / ARTICLES).is_dir() and (root / MENTIONS).exists():
            return root
    return None


def split_paths(paths: Sequence[str]) -> tuple[list[Path], list[str]]:
    """(batch output directories, other paths) among the ingest's PATH arguments."""
    outputs, others = [], []
    for path in paths:
        root = output_root(path) if path != "-" else None
        if root is not None:
            outputs.append(root)
        else:
            others.append(path)
    return outputs, others


class Replay:
    """The articles of batch outputs, and the processor that replays their events."""

    def __init__(self, roots: Sequence[Path], fallback=None) -> None:
        self.roots = list(roots)
        self.fallback = fallback
        self._stash: OrderedDict[tuple[str, str], tuple[Event, ...] | RecordedFailure] = OrderedDict()
        versions = set()
        for root in self.roots:
            table = io.read_table(root / ARTICLES, columns=["coder_version"])
            versions.update(v for v in table.column("coder_version").to_pylist() if v)
        if len(versions) > 1:
            raise InputError(f"the batch outputs were coded by different versions ({', '.join(sorted(versions))}); "
                             "ingest them separately")
        self.coder_version = versions.pop() if versions else None

    def check_version(self, mixed: bool) -> str | None:
        """The coder version to record; with other inputs in the same run it must be ours."""
        from rokhdad.store.ingest import default_coder_version

        if mixed and self.coder_version not in (None, default_coder_version()):
            raise InputError(f"the batch output was coded by {self.coder_version}, this is "
                             f"{default_coder_version()}: ingest it on its own")
        return self.coder_version

    def count(self) -> int:
        return sum(io.read_table(root / ARTICLES, columns=["id"]).num_rows for root in self.roots)

    def items(self) -> Iterator[Article | InputFailure]:
        for root in self.roots:
            yield from self._items(root)

    def _items(self, root: Path) -> Iterator[Article | InputFailure]:
        events: dict[str, list[str]] = defaultdict(list)
        mentions = io.read_table(root / MENTIONS, columns=["article_id", "record"])
        for article_id, record in zip(mentions.column("article_id").to_pylist(), mentions.column("record").to_pylist()):
            events[article_id].append(record)
        failed: dict[str, RecordedFailure] = {}
        failures = io.read_table(root / FAILURES).to_pylist() if (root / FAILURES).exists() else []
        for row in failures:
            if row["stage"] == STAGE_INPUT:
                yield InputFailure(row["location"], row["error_class"], row["message"], row["article_id"])
            elif row["article_id"] is not None:
                failed[row["article_id"]] = RecordedFailure(row["error_class"], row["message"])
        articles = io.read_table(root / ARTICLES, columns=["id", "text", "published", "outlet", "title", "url",
                                                           "sha256", "status"])
        for batch in articles.to_batches(max_chunksize=1000):
            for row in batch.to_pylist():
                article = Article(row["id"], row["text"], row["published"], row["outlet"], row["title"], row["url"])
                if row["status"] == "failed":
                    outcome = failed.get(row["id"], RecordedFailure("Failure", f"{row['id']}: failed in the batch"))
                else:
                    outcome = tuple(serialize.event_from_dict(json.loads(r)) for r in events.pop(row["id"], ()))
                self._stash[(row["id"], row["sha256"])] = outcome
                while len(self._stash) > STASH_LIMIT:
                    self._stash.popitem(last=False)
                yield article

    def __call__(self, article: Article) -> Sequence[Event]:
        outcome = self._stash.pop((article.id, text_sha256(article.text)), None)
        if outcome is None:
            if self.fallback is None:
                raise InputError(f"{article.id}: not in the batch output being ingested")
            return self.fallback(article)
        if isinstance(outcome, RecordedFailure):
            raise outcome
        return outcome

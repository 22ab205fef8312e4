"""Coding articles and storing them: articles, mentions, actors and places, then the merge.

Entry point ``ingest(store, items)``. Invariant: an article row and all its mentions are
written in one transaction, a few dozen articles at a time, so a process killed at any
moment leaves every article either fully stored (coded, or marked failed) or absent, and
a rerun completes the work: unchanged articles are skipped without re-coding, and the
merge picks up whatever mentions are still waiting for it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from rokhdad.errors import ConfigError, InputError, RokhdadError
from rokhdad.model import Article, Event
from rokhdad.store import incidents, schema
from rokhdad.store.database import Store, chunked, upsert
from rokhdad.store.inputs import InputFailure
from rokhdad.store.keys import text_sha256
from rokhdad.store.rows import Rows, check_event

log = logging.getLogger(__name__)

Processor = Callable[[Article], Sequence[Event]]

CHUNK_ARTICLES = 64     # articles per write transaction: amortises the commit
CHUNK_SECONDS = 2.0     # ... or fewer, so a slow extractor still commits often (a kill loses less)


@dataclass(frozen=True, slots=True)
class Failure:
    """An article (or input record) that could not be stored as coded."""

    article_id: str | None
    location: str
    error_class: str
    message: str

    @property
    def internal(self) -> bool:
        """Not an input problem rokhdad knows about: likely a bug in the extractor."""
        return self.error_class not in _KNOWN_ERRORS


def _subclass_names(cls: type) -> set[str]:
    return {cls.__name__}.union(*(_subclass_names(sub) for sub in cls.__subclasses__()))


_KNOWN_ERRORS = _subclass_names(RokhdadError)


@dataclass(slots=True)
class RunSummary:
    """What one ingest run did (mutable while it runs)."""

    run_id: str
    coder_version: str
    read: int = 0
    new: int = 0
    versions: int = 0
    unchanged: int = 0
    recoded: int = 0
    failed: int = 0
    mentions: int = 0
    incidents: int = 0
    seconds: float = 0.0
    merge: incidents.MergeStats | None = None
    failures: list[Failure] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    failed: int
    elapsed: float


def default_coder_version() -> str:
    from rokhdad import __version__

    return f"rokhdad {__version__}"


def default_processor() -> Processor:
    """``rokhdad.pipeline.process``, imported only when needed."""
    try:
        from rokhdad.pipeline import process
    except ImportError as error:
        raise ConfigError(f"the extractor rokhdad.pipeline.process cannot be imported: {error}") from error
    return process


def load_processor(spec: str) -> Processor:
    """A processor named ``module:function`` (for custom extractors and tests)."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise InputError(f"--processor: expected MODULE:FUNCTION, got {spec!r}")
    try:
        function = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise InputError(f"--processor: cannot load {spec!r}: {error}") from error
    if not callable(function):
        raise InputError(f"--processor: {spec!r} is not callable")
    return function


# -- planning --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Version:
    version: int
    sha256: str
    current: bool
    coder_version: str
    status: str
    published: dt.date | None
    outlet: str | None
    title: str | None
    url: str | None


def _metadata(article: Article) -> tuple:
    return article.published, article.source, article.title, article.url


def plan(article: Article, sha: str, versions: Sequence[Version], coder_version: str,
         recode: bool) -> tuple[str, int | None]:
    """What to do with an article given its stored versions: (action, version).

    Actions: ``skip``, ``new`` (first version), ``version`` (the text changed: a new
    version, the old one kept), ``recode`` (same text: re-code in place), ``reactivate``
    (the text is an older version's again), ``reactivate+recode``.
    """
    if not versions:
        return "new", 1
    same = next((v for v in versions if v.sha256 == sha), None)
    if same is None:
        return "version", max(v.version for v in versions) + 1
    stale = recode or same.coder_version != coder_version or \
        (same.published, same.outlet, same.title, same.url) != _metadata(article)
    if same.current:
        return ("recode" if stale else "skip"), same.version
    return ("reactivate+recode" if stale else "reactivate"), same.version


def _versions(connection: sa.Connection, ids: Sequence[str]) -> dict[str, list[Version]]:
    a = schema.articles
    found: dict[str, list[Version]] = {}
    for chunk in chunked(sorted(set(ids))):
        query = sa.select(a.c.id, a.c.version, a.c.sha256, a.c.current, a.c.coder_version, a.c.status,
                          a.c.published, a.c.outlet, a.c.title, a.c.url).where(a.c.id.in_(chunk))
        for r in connection.execute(query):
            found.setdefault(r.id, []).append(Version(*r[1:]))
    return found


# -- writing ---------------------------------------------------------------------------

def _retire_mentions(connection: sa.Connection, article_id: str, version: int, delete: bool) -> None:
    """Take a version's mentions out of their incidents (marked dirty for the merge)."""
    m, i = schema.mentions, schema.incidents
    own = sa.and_(m.c.article_id == article_id, m.c.article_version == version)
    joined = sa.select(m.c.incident_id).where(own, m.c.incident_id.is_not(None))
    connection.execute(i.update().where(i.c.id.in_(joined)).values(dirty=True))
    if delete:
        connection.execute(schema.mention_participants.delete().where(
            schema.mention_participants.c.mention_id.in_(sa.select(m.c.id).where(own))))
        connection.execute(m.delete().where(own))
    else:
        connection.execute(m.update().where(own).values(current=False, incident_id=None))


def _set_current(connection: sa.Connection, article_id: str, version: int) -> None:
    """Make ``version`` the article's current one; the previous one leaves its incidents."""
    a = schema.articles
    current = connection.execute(sa.select(a.c.version).where(a.c.id == article_id, a.c.current)).scalar()
    if current is not None and current != version:
        _retire_mentions(connection, article_id, current, delete=False)
        connection.execute(a.update().where(a.c.id == article_id, a.c.version == current).values(current=False))


@dataclass(slots=True)
class Coded:
    """One input item after coding: events, or why it failed."""

    article: Article | None
    sha: str = ""
    events: Sequence[Event] | None = None
    failure: Failure | None = None
    planned: str = ""


def code(article: Article, process: Processor) -> tuple[Sequence[Event] | None, Failure | None]:
    """Run the extractor on one article; any exception becomes a failure record."""
    try:
        events = tuple(check_event(e, article) for e in process(article))
        return events, None
    except Exception as error:  # noqa: BLE001 - a batch goes on; the failure is recorded and shown
        # a replayed failure (``rokhdad ingest`` of a batch output) keeps its recorded class name
        error_class = getattr(error, "error_class", None) or type(error).__name__
        failure = Failure(article.id, article.id, error_class, str(error) or repr(error))
        if isinstance(error, RokhdadError):
            log.warning("%s: %s: %s", article.id, failure.error_class, failure.message)
        else:
            log.warning("%s: unexpected %s (a bug?): %s", article.id, failure.error_class, failure.message)
            log.debug("traceback for %s", article.id, exc_info=True)
        return None, failure


class Run:
    """One ingest run: its ``runs`` row, counters, and the per-chunk write."""

    def __init__(self, store: Store, process: Processor, coder_version: str, recode: bool, inputs: str) -> None:
        self.store = store
        self.process = process
        self.recode = recode
        self.summary = RunSummary(uuid.uuid4().hex, coder_version)
        now = dt.datetime.now(dt.timezone.utc)
        with store.write() as connection:
            _close_stale_runs(connection)
            connection.execute(schema.runs.insert().values(
                id=self.summary.run_id, coder_version=coder_version, started_at=now, status="running",
                host=socket.gethostname(), pid=os.getpid(), inputs=inputs[:2000], n_read=0, n_new=0,
                n_versions=0, n_unchanged=0, n_recoded=0, n_failed=0, n_mentions=0))

    def prepare(self, items: Sequence[Article | InputFailure]) -> list[Coded]:
        """Look the chunk up (read-only) so unchanged articles are not coded again."""
        articles = [item for item in items if isinstance(item, Article)]
        with self.store.read() as connection:
            stored = _versions(connection, [a.id for a in articles])
        prepared = []
        for item in items:
            if isinstance(item, InputFailure):
                prepared.append(Coded(None, failure=Failure(item.article_id, item.location, item.error_class,
                                                            item.message)))
                continue
            sha = text_sha256(item.text)
            action, _ = plan(item, sha, stored.get(item.id, []), self.summary.coder_version, self.recode)
            prepared.append(Coded(item, sha, planned=action))
        return prepared

    def write(self, coded: Sequence[Coded]) -> None:
        """Store one chunk in one transaction (the decision is re-made on fresh state)."""
        s = self.summary
        counts = dataclasses.replace(s, failures=[])
        rows = Rows()
        failures: list[Failure] = []
        succeeded: list[str] = []
        with self.store.write() as connection:
            stored = _versions(connection, [c.article.id for c in coded if c.article])
            touched: set[str] = set()
            for item in coded:
                counts.read += 1
                if item.article is None:
                    counts.failed += 1
                    failures.append(item.failure)
                    self._record_failure(connection, item.failure)
                    continue
                article = item.article
                if article.id in touched:  # the same id twice in one chunk: the first is written first
                    rows.flush(connection)
                    stored[article.id] = _versions(connection, [article.id]).get(article.id, [])
                touched.add(article.id)
                action, version = plan(article, item.sha, stored.get(article.id, []), s.coder_version,
                                       self.recode)
                if action == "skip":
                    counts.unchanged += 1
                    continue
                if action != "new":
                    rows.flush(connection)  # the updates below must see every row inserted before
                if action == "reactivate":
                    _set_current(connection, article.id, version)
                    self._reactivate(connection, article.id, version)
                    counts.versions += 1
                    continue
                if item.events is None and item.failure is None:  # planned a skip, but the state moved on
                    item.events, item.failure = code(article, self.process)
                if action in ("recode", "reactivate+recode"):
                    _set_current(connection, article.id, version)
                    _retire_mentions(connection, article.id, version, delete=True)
                    connection.execute(schema.articles.delete().where(
                        schema.articles.c.id == article.id, schema.articles.c.version == version))
                    counts.recoded += 1
                elif action == "version":
                    _set_current(connection, article.id, version)
                    counts.versions += 1
                else:
                    counts.new += 1
                n = rows.add_events(article, version, item.events) if item.events is not None else 0
                counts.mentions += n
                rows.articles.append(self._article_row(article, item.sha, version, n, item.failure))
                if item.failure is not None:
                    counts.failed += 1
                    failures.append(item.failure)
                    self._record_failure(connection, item.failure)
                else:
                    succeeded.append(f"article:{article.id}")
            rows.flush(connection)
            for keys in chunked(succeeded):
                connection.execute(schema.failures.delete().where(schema.failures.c.key.in_(keys)))
            connection.execute(schema.runs.update().where(schema.runs.c.id == s.run_id).values(
                n_read=counts.read, n_new=counts.new, n_versions=counts.versions, n_unchanged=counts.unchanged,
                n_recoded=counts.recoded, n_failed=counts.failed, n_mentions=counts.mentions))
        # committed: only now do the counters move
        for name in ("read", "new", "versions", "unchanged", "recoded", "failed", "mentions"):
            setattr(s, name, getattr(counts, name))
        s.failures.extend(failures)

    def _article_row(self, article: Article, sha: str, version: int, mentions: int,
                     failure: Failure | None) -> dict:
        return {"id": article.id, "version": version, "sha256": sha, "current": True, "text": article.text,
                "published": article.published, "outlet": article.source, "title": article.title,
                "url": article.url, "status": "failed" if failure else "coded",
                "error_class": failure.error_class if failure else None,
                "error_message": failure.message if failure else None, "num_mentions": mentions,
                "coder_version": self.summary.coder_version, "run_id": self.summary.run_id}

    def _reactivate(self, connection: sa.Connection, article_id: str, version: int) -> None:
        a, m = schema.articles, schema.mentions
        connection.execute(a.update().where(a.c.id == article_id, a.c.version == version).values(current=True))
        connection.execute(m.update().where(m.c.article_id == article_id, m.c.article_version == version)
                           .values(current=True, incident_id=None))

    def _record_failure(self, connection: sa.Connection, failure: Failure) -> None:
        key = f"article:{failure.article_id}" if failure.article_id else f"input:{failure.location}"
        upsert(connection, schema.failures, [{
            "key": key, "article_id": failure.article_id, "location": failure.location,
            "error_class": failure.error_class, "message": failure.message[:2000],
            "run_id": self.summary.run_id}], ["key"], update=True)

    def finish(self, status: str, merge: bool) -> None:
        s = self.summary
        if merge:
            s.merge = incidents.merge_pending(self.store)
        with self.store.write() as connection:
            s.incidents = connection.execute(sa.select(sa.func.count()).select_from(schema.incidents)).scalar_one()
            connection.execute(schema.runs.update().where(schema.runs.c.id == s.run_id).values(
                status=status, finished_at=dt.datetime.now(dt.timezone.utc), n_incidents=s.incidents))


def _close_stale_runs(connection: sa.Connection) -> None:
    """Runs left 'running' by a process on this host that no longer exists were interrupted."""
    r = schema.runs
    host = socket.gethostname()
    for run_id, pid in connection.execute(sa.select(r.c.id, r.c.pid).where(r.c.status == "running",
                                                                            r.c.host == host)).all():
        if pid is None or not _alive(pid):
            connection.execute(r.update().where(r.c.id == run_id).values(status="interrupted"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def ingest(store: Store, items: Iterable[Article | InputFailure], *, process: Processor | None = None,
           coder_version: str | None = None, recode: bool = False, merge: bool = True, inputs: str = "",
           progress: Callable[[Progress], None] | None = None, chunk_articles: int = CHUNK_ARTICLES,
           chunk_seconds: float = CHUNK_SECONDS) -> RunSummary:
    """Code and store articles, then merge the new mentions into incidents.

    Args:
        items: articles, and records that could not be read (stored as failures).
        process: the extractor (default ``rokhdad.pipeline.process``, imported lazily).
        coder_version: recorded per article; articles coded by another version are
            re-coded in place (default: ``rokhdad <version>``).
        recode: re-code every article even when nothing changed.
        merge: run the cross-article merge at the end (``merge_pending``).
        progress: called after each article, for progress bars.

    Returns:
        The run's counts and failures. Bad articles never stop the batch.
    """
    run = Run(store, process or default_processor(), coder_version or default_coder_version(), recode, inputs)
    started = time.perf_counter()
    done = failed = 0
    iterator = iter(items)
    status = "interrupted"
    try:
        while True:
            batch = []
            for item in iterator:
                batch.append(item)
                if len(batch) >= chunk_articles:
                    break
            if not batch:
                break
            pending: list[Coded] = []
            chunk_started = time.perf_counter()
            for item in run.prepare(batch):
                if item.article is not None and item.planned not in ("skip", "reactivate"):
                    item.events, item.failure = code(item.article, run.process)
                pending.append(item)
                done += 1
                failed += item.failure is not None
                if progress:
                    progress(Progress(done, failed, time.perf_counter() - started))
                if time.perf_counter() - chunk_started >= chunk_seconds:
                    run.write(pending)
                    pending, chunk_started = [], time.perf_counter()
            if pending:
                run.write(pending)
        status = "finished"
    finally:
        run.summary.seconds = time.perf_counter() - started
        if status == "finished":
            run.finish(status, merge)
            run.summary.seconds = time.perf_counter() - started
        else:
            try:
                run.finish(status, merge=False)
            except RokhdadError:  # the store itself failed; the original error matters more
                log.debug("could not mark run %s interrupted", run.summary.run_id, exc_info=True)
    return run.summary

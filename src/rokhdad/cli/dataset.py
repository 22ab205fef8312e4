"""The dataset commands: ``rokhdad ingest``, ``rokhdad incidents``, ``rokhdad export``.

Thin commands over ``rokhdad.store``; ``register(app)`` adds them to the click group.
Bad input gives one ``error:`` line and exit status 1 (``main.user_errors``).
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from rokhdad import errors

DB_HELP = "Database: a file path or sqlite:///PATH (default rokhdad.db), or postgresql://USER@HOST/DB."
MAX_FAILURES_SHOWN = 20


@contextmanager
def _user_errors() -> Iterator[None]:
    # imported late: main.py imports this module to register the commands
    from rokhdad.cli.main import user_errors

    with user_errors():
        yield


def _db_option(function: Callable) -> Callable:
    return click.option("--db", "db", envvar="ROKHDAD_DB", metavar="URL", help=DB_HELP + " [env: ROKHDAD_DB]")(function)


def _filter_options(function: Callable) -> Callable:
    options = [
        click.option("--since", metavar="YYYY-MM-DD", help="Incidents on or after this day."),
        click.option("--until", metavar="YYYY-MM-DD", help="Incidents on or before this day."),
        click.option("--country", metavar="ISO3", help="Country code (IRQ) or English name."),
        click.option("--type", "event_type", metavar="TYPE", help="ASSAULT, PROTEST, COERCE or MOBILIZE."),
        click.option("--actor", metavar="NAME", help="Any party's name contains this (Persian or English)."),
        click.option("--place", metavar="NAME", help="The place, province or country name contains this."),
        click.option("--all", "include_optional", is_flag=True,
                     help="Include incidents known only from background mentions."),
        click.option("--limit", type=int, metavar="N", help="At most N incidents."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _filters(since, until, country, event_type, actor, place, include_optional, limit):
    from rokhdad.store.inputs import parse_date_option
    from rokhdad.store.query import Filters

    return Filters(parse_date_option(since, "--since"), parse_date_option(until, "--until"), country,
                   event_type, actor, place, include_optional, limit).checked()


class ProgressBar:
    """A one-line progress bar with rate and ETA on stderr; drawn only on a terminal."""

    WIDTH = 24

    def __init__(self, total: int | None, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self.last = 0.0

    def __call__(self, progress) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and progress.done != self.total):
            return
        self.last = now
        rate = progress.done / progress.elapsed if progress.elapsed > 0 else 0.0
        if self.total:
            filled = int(self.WIDTH * progress.done / self.total)
            bar = "[" + "#" * filled + "." * (self.WIDTH - filled) + "]"
            left = (self.total - progress.done) / rate if rate else 0
            text = f"{bar} {progress.done:,}/{self.total:,}  {rate:,.1f} articles/s  ETA {int(left // 60)}:{int(left % 60):02d}"
        else:
            text = f"{progress.done:,} articles  {rate:,.1f} articles/s"
        if progress.failed:
            text += f"  {progress.failed:,} failed"
        sys.stderr.write("\r" + text[: shutil.get_terminal_size().columns - 1])
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.last:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _summary_text(summary) -> list[str]:
    s = summary
    rate = s.read / s.seconds if s.seconds else 0.0
    lines = [f"ingested {s.read:,} articles in {s.seconds:.1f}s ({rate:,.1f}/s): {s.new:,} new, "
             f"{s.versions:,} new versions, {s.recoded:,} re-coded, {s.unchanged:,} unchanged, {s.failed:,} failed",
             f"{s.mentions:,} mentions stored; {s.incidents:,} incidents in the store"]
    if s.failures:
        lines.append("failures:")
        for failure in s.failures[:MAX_FAILURES_SHOWN]:
            lines.append(f"  {failure.article_id or failure.location}  {failure.error_class}  {failure.message}")
        if len(s.failures) > MAX_FAILURES_SHOWN:
            lines.append(f"  … and {len(s.failures) - MAX_FAILURES_SHOWN:,} more (see the failures table)")
        internal = sum(f.internal for f in s.failures)
        if internal:
            lines.append(f"{internal:,} failure(s) are not input errors but extractor bugs; "
                         "rerun with -v for tracebacks")
    return lines


@click.command("ingest")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--samples", is_flag=True, help="Ingest the bundled sample articles too.")
@click.option("--published", metavar="YYYY-MM-DD", help="Publication date of .txt articles whose sidecar has none.")
@_db_option
@click.option("--recode", is_flag=True, help="Re-code every article, even unchanged ones.")
@click.option("--processor", metavar="MODULE:FUNCTION",
              help="Extractor to run instead of rokhdad.pipeline.process (custom extractors, tests).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: only on a terminal).")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="Log each failure, with tracebacks for extractor bugs.")
def ingest(paths, samples, published, db, recode, processor, progress, as_json, verbose) -> None:
    """Code articles and store them, then merge incidents across articles.

    PATH is a JSONL file (one {"id", "text", "published", "source", …} per line), a
    .txt file or a directory of them (metadata in NAME.json beside NAME.txt), '-'
    for JSONL on stdin, or the OUTPUT directory of 'rokhdad batch' (stored as coded
    there). Bad articles are recorded as failures and listed at the end;
    the batch always finishes. Unchanged articles are skipped, so a rerun after an
    interruption completes the work.
    """
    from rokhdad.batch import replay as batch_replay
    from rokhdad.store import database, inputs
    from rokhdad.store import ingest as store_ingest

    with _user_errors():
        _configure_logging(verbose)
        if not paths and not samples:
            raise errors.InputError("nothing to ingest: give PATH..., '-' for stdin, or --samples")
        day = inputs.parse_date_option(published)
        outputs, paths = batch_replay.split_paths(paths)  # `rokhdad batch` outputs: store what they coded
        checked = inputs.check_paths(paths)
        process = store_ingest.load_processor(processor) if processor else store_ingest.default_processor()
        total = inputs.count_articles(checked)
        items = inputs.read_inputs(checked, published=day)
        coder_version = None
        if outputs:
            replay = batch_replay.Replay(outputs, fallback=process)
            coder_version = replay.check_version(mixed=bool(paths or samples))
            items, process = _chain(replay.items(), items), replay
            total = None if total is None else total + replay.count()
            checked = [*map(str, outputs), *checked]
        if samples:
            from rokhdad.samples import sample_articles

            articles = sample_articles()
            total = None if total is None else total + len(articles)
            items = _chain(articles, items)
        bar = ProgressBar(total, sys.stderr.isatty() if progress is None else progress)
        with database.open_store(db) as store:
            try:
                summary = store_ingest.ingest(store, items, process=process, recode=recode, progress=bar,
                                              coder_version=coder_version,
                                              inputs=" ".join(([*checked] + (["--samples"] if samples else []))))
            finally:
                bar.close()
        echo_summary(summary, as_json, _summary_text)


def echo_summary(summary, as_json: bool, lines: Callable) -> None:
    """A run summary as JSON, or as the lines ``lines(summary)`` gives."""
    if as_json:
        from rokhdad.serialize import to_dict

        click.echo(json.dumps(to_dict(summary), ensure_ascii=False, indent=1, default=str))
    else:
        click.echo("\n".join(lines(summary)))


def _chain(first, second):
    yield from first
    yield from second


def _configure_logging(verbose: bool) -> None:
    logger = logging.getLogger("rokhdad")
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    elif not logger.handlers:
        logger.addHandler(logging.NullHandler())  # failures are in the summary, not on the progress line


def _cell(text: str | None, width: int, right: bool = False) -> str:
    text = (text or "").replace("\n", " ")
    if len(text) > width:
        text = text[: max(0, width - 1)] + "…"
    return text.rjust(width) if right else text.ljust(width)


def incident_table(incidents, width: int) -> list[str]:
    """A readable table: one line per incident, fitted to ``width`` columns."""
    fixed = 10 + 22 + 7 + 4 + 4 + 16 + 2 * 7
    flexible = max(24, width - fixed)
    place_width = flexible * 2 // 5
    party_width = flexible - place_width

    def line(date, kind, where, parties, killed, articles, sources, ident) -> str:
        return "  ".join([_cell(date, 10), _cell(kind, 22), _cell(where, place_width), _cell(parties, party_width),
                          _cell(killed, 7, True), _cell(articles, 4, True), _cell(sources, 4, True), ident]).rstrip()

    lines = [line("DATE", "TYPE", "PLACE", "WHO -> WHOM", "KILLED", "ART", "SRC", "ID")]
    for incident in incidents:
        place = incident.place
        where = ""
        if place:
            where = (place.name_en or place.name) + (f" ({place.country})" if place.country else "")
        perpetrators = incident.actors or incident.claimed_by or incident.attributed_to
        who = ", ".join(a.name_en or a.name for a in perpetrators) or "?"
        whom = ", ".join(a.name_en or a.name for a in incident.targets) or "?"
        killed = "" if incident.fatalities is None else str(incident.fatalities)
        if "fatalities" in incident.disputed:
            killed += "*"
        kind = incident.type.value + (f"/{incident.mode}" if incident.mode else "")
        lines.append(line(incident.date or "?", kind, where, f"{who} -> {whom}", killed,
                          str(incident.num_articles), str(incident.num_sources), incident.id))
    return lines


@click.command("incidents")
@_filter_options
@_db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array with every reported value.")
def incidents(since, until, country, event_type, actor, place, include_optional, limit, db, as_json) -> None:
    """List incidents merged across articles (a table, or JSON with --json).

    KILLED is the most conservative reported figure; '*' marks figures sources disagree on
    (see --json for every value and who reported it).
    """
    from rokhdad.serialize import to_dict
    from rokhdad.store import database, query

    with _user_errors():
        filters = _filters(since, until, country, event_type, actor, place, include_optional, limit)
        with database.open_store(db, create=False) as store:
            found = query.find_incidents(store, filters)
        if as_json:
            click.echo(json.dumps(to_dict(found), ensure_ascii=False, indent=1))
            return
        if not found:
            click.echo("no incidents match", err=True)
            return
        click.echo("\n".join(incident_table(found, shutil.get_terminal_size((120, 24)).columns)))


@click.command("export")
@click.option("-f", "--format", "export_format", required=True, metavar="FORMAT",
              help="acled-csv, plover-jsonl, geojson or parquet.")
@click.option("-o", "--output", required=True, metavar="FILE", help="Where to write ('-' for stdout, text formats).")
@_filter_options
@_db_option
def export(export_format, output, since, until, country, event_type, actor, place, include_optional, limit,
           db) -> None:
    """Export incidents as ACLED-style CSV, PLOVER JSONL, GeoJSON or Parquet."""
    from rokhdad.store import database, query
    from rokhdad.store import export as store_export

    with _user_errors():
        if export_format not in store_export.FORMATS:
            raise errors.InputError(f"--format: unknown format {export_format!r} "
                                    f"(expected: {', '.join(store_export.FORMATS)})")
        filters = _filters(since, until, country, event_type, actor, place, include_optional, limit)
        with database.open_store(db, create=False) as store:
            found = query.find_incidents(store, filters)
        written = store_export.write_export(found, export_format, output)
        click.echo(f"wrote {written:,} incidents to {output} ({export_format})", err=True)


COMMANDS = (ingest, incidents, export)


def register(app: click.Group) -> click.Group:
    """Add the dataset commands to ``app`` (once; registering twice is harmless)."""
    for command in COMMANDS:
        if command.name not in app.commands:
            app.add_command(command)
    return app

"""The ``rokhdad`` command: thin commands over library functions.

Built on click rather than typer (STYLE.md's example): typer 0.2x vendors its own
private copy of click, so its usage errors cannot be caught through a public API,
and we want every bad input, unknown options included, to give one ``error:`` line.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from rokhdad import errors
from rokhdad.cli import inputs


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn rokhdad's known errors into one ``error: ...`` line and exit status 1."""
    try:
        yield
    except errors.RokhdadError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None


def _version() -> str:
    from rokhdad import __version__

    return __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), "--version", prog_name="rokhdad", message="%(prog)s %(version)s")
def app() -> None:
    """rokhdad: Persian news to a traceable conflict-event dataset."""


FILE_ARG = click.argument("file", required=False, type=click.Path(dir_okay=True, allow_dash=True))


@app.command()
@FILE_ARG
@click.option("--no-zwnj", is_flag=True, help="Skip ZWNJ repair.")
@click.option("--each-line", is_flag=True,
              help="Treat every line as a text of its own (by default the whole input is one "
                   "text, so the writer's ZWNJ habit is judged over all of it).")
def normalize(file: str | None, no_zwnj: bool, each_line: bool) -> None:
    """Normalise Persian text line for line (letters, digits, spaces, ZWNJ).

    Reads FILE, or stdin when FILE is '-' or missing, and writes one output line per
    input line. ZWNJ repair depends on how the writer types half-spaces (ZWNJs dropped,
    typed as spaces, or kept), which one sentence rarely shows; so the input is repaired
    as one text unless --each-line is given.
    """
    from rokhdad.text.normalize import normalize as run

    with user_errors():
        text = inputs.read_text(file)
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()
        # A carriage return would become a line break of its own: CRLF ends are dropped
        # and a lone CR is a space, so output line k is always input line k.
        lines = [line.removesuffix("\r").replace("\r", " ") for line in lines]
        repair = not no_zwnj
        out = sys.stdout
        for block in _blocks(lines, 1 if each_line else NORMALIZE_BLOCK_CHARS):
            out_lines = run("\n".join(block), repair_zwnj=repair).text.split("\n")
            if len(out_lines) != len(block):  # never seen; stay line for line
                out_lines = [run(line, repair_zwnj=repair).text for line in block]
            for line in out_lines:
                out.write(line)
                out.write("\n")
        out.flush()


NORMALIZE_BLOCK_CHARS = 1_000_000  # a huge input is repaired in blocks of whole lines


def _blocks(lines: list[str], size: int) -> Iterator[list[str]]:
    """Consecutive lines in groups of about ``size`` characters (at least one line each)."""
    block: list[str] = []
    chars = 0
    for line in lines:
        if block and chars + len(line) > size:
            yield block
            block, chars = [], 0
        block.append(line)
        chars += len(line) + 1
    if block:
        yield block


@app.command()
@click.option("--list", "list_ids", is_flag=True, help="List the bundled samples instead.")
@click.option("--id", "sample_id", default="seed-000", show_default=True, help="Which sample to print.")
def sample(list_ids: bool, sample_id: str) -> None:
    """Print a bundled sample article's text (to pipe into other commands)."""
    from rokhdad.samples import sample_articles

    with user_errors():
        articles = sample_articles()
        if list_ids:
            for a in articles:
                click.echo(f"{a.id}\t{a.published or ''}\t{len(a.text)} chars")
            return
        for a in articles:
            if a.id == sample_id:
                sys.stdout.write(a.text if a.text.endswith("\n") else a.text + "\n")
                return
        raise errors.InputError(f"no sample '{sample_id}'; see 'rokhdad sample --list'")


@app.command()
@FILE_ARG
@click.option("--published", metavar="YYYY-MM-DD", help="Publication date; relative dates need it.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def dates(file: str | None, published: str | None, as_json: bool) -> None:
    """Find date expressions and resolve them against the publication date."""
    from rokhdad.resolve.dates import find_dates

    with user_errors():
        day = inputs.parse_date(published)
        text = inputs.read_text(file)
        rows = [
            {"text": d.text, "start": d.start, "end": d.end, "value": d.value,
             "precision": d.precision.value, "calendar": d.calendar.value}
            for d in find_dates(text, day)
        ]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        else:
            for r in rows:
                click.echo(f"{r['start']}-{r['end']}\t{r['value'] or '?'}\t{r['precision']}\t"
                           f"{r['calendar']}\t{r['text']}")


@app.command()
@FILE_ARG
@click.option("--published", metavar="YYYY-MM-DD", help="Publication date (accepted for symmetry; unused).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def entities(file: str | None, published: str | None, as_json: bool) -> None:
    """People, organisations, armed groups, outlets, places and facilities in FILE.

    Places and facilities come geocoded: coordinates, admin1, country, precision.
    """
    from rokhdad.entities import find_entities

    with user_errors():
        inputs.parse_date(published)
        text = inputs.read_text(file)
        rows = []
        for e in find_entities(text):
            row = {"text": e.text, "start": e.start, "end": e.end, "kind": e.kind.value,
                   "name_en": e.name_en, "source": e.source.value, "entry_id": e.entry_id}
            if e.place is not None:
                row.update(lat=e.place.lat, lon=e.place.lon, admin1=e.place.admin1_en,
                           country=e.place.country, precision=e.precision)
            rows.append(row)
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for r in rows:
            where = ""
            if "lat" in r:
                where = f"\t{r['lat']},{r['lon']}\t{r['admin1'] or ''}\t{r['country'] or ''}\tp{r['precision']}"
            click.echo(f"{r['start']}-{r['end']}\t{r['kind']}\t{r['text']}\t{r['name_en'] or ''}{where}")


@app.command()
@click.argument("input_path", metavar="INPUT", required=False, default="-")
@click.option("--published", metavar="YYYY-MM-DD", help="Publication date of a .txt article.")
@click.option("--id", "article_id", help="Article id for a .txt article (default: the file name).")
@click.option("--format", "fmt", type=click.Choice(["json", "eval", "text"]), default="json", show_default=True,
              help="json: full records with spans and provenance; eval: the gold schema of "
                   "GUIDELINES.md; text: a readable summary.")
@click.option("--samples", is_flag=True, help="Extract the bundled sample articles.")
def extract(input_path: str, published: str | None, article_id: str | None, fmt: str, samples: bool) -> None:
    """Extract incidents from INPUT: a .txt article, a JSONL file of articles, or '-'.

    JSONL lines hold id, text, published (YYYY-MM-DD) and optional source, title, url.
    One output line per article; a failing article becomes a failure record on stderr,
    the batch goes on, and the exit status is 1 if any article failed.
    """
    from rokhdad.extract.output import eval_line, json_line, text_lines
    from rokhdad.pipeline import process

    with user_errors():
        if samples:
            from rokhdad.samples import sample_articles

            items = iter(sample_articles())
        else:
            items = inputs.read_articles(input_path, published, article_id)
        render = eval_line if fmt == "eval" else json_line
        failed = 0
        out = sys.stdout
        for item in items:
            if isinstance(item, inputs.Failure):
                failed += 1
                click.echo(json.dumps(item.record(), ensure_ascii=False), err=True)
                continue
            try:
                events = process(item)
            except errors.ConfigError:
                raise  # broken package data fails every article: stop, say it once
            except errors.RokhdadError as exc:
                failed += 1
                click.echo(json.dumps(inputs.Failure(item.id, exc).record(), ensure_ascii=False), err=True)
                continue
            if fmt == "text":
                out.write("\n".join(text_lines(item, events)) + "\n\n")
            else:
                out.write(json.dumps(render(item, events), ensure_ascii=False) + "\n")
        out.flush()
        if failed:
            click.echo(f"error: {failed} article(s) failed; see the failure records above", err=True)
            raise SystemExit(1)


def _register_dataset_commands() -> None:
    # ingest, incidents, export: the store layer; batch: the local and Spark runners; serve: the API
    from rokhdad.cli import batch, dataset, serve

    dataset.register(app)
    batch.register(app)
    serve.register(app)


_register_dataset_commands()


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit status; usage errors become one ``error:`` line."""
    try:
        result = app.main(args=argv, prog_name="rokhdad", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # pragma: no cover - click >= 8.2
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return 0
    except click.ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        click.echo(f"error: {exc.format_message()}{hint}", err=True)
        return 1
    except click.exceptions.Abort:
        click.echo("error: interrupted", err=True)
        return 130
    except BrokenPipeError:
        # the reader went away (| head): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return result if isinstance(result, int) else 0


def main() -> None:
    """Console entry point (``rokhdad`` and ``python -m rokhdad``)."""
    sys.exit(run())

"""The ``rokhdad`` command: thin commands over library functions."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from rokhdad import errors
from rokhdad.cli import inputs

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="rokhdad: Persian news to a traceable conflict-event dataset.",
    pretty_exceptions_enable=False,
)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn rokhdad's known errors into one ``error: ...`` line and exit status 1."""
    try:
        yield
    except errors.RokhdadError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def _version(value: bool) -> None:
    if value:
        from rokhdad import __version__

        typer.echo(f"rokhdad {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """rokhdad: Persian news to a traceable conflict-event dataset."""


@app.command()
def normalize(
    file: Optional[Path] = typer.Argument(None, help="Text file to read; '-' or nothing reads stdin."),
    no_zwnj: bool = typer.Option(False, "--no-zwnj", help="Skip ZWNJ repair."),
) -> None:
    """Normalise Persian text line for line (letters, digits, spaces, ZWNJ)."""
    from rokhdad.text.normalize import normalize as run

    with user_errors():
        text = inputs.read_text(file)
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()
        out = sys.stdout
        for line in lines:
            out.write(run(line, repair_zwnj=not no_zwnj).text)
            out.write("\n")
        out.flush()


def main() -> None:
    app(prog_name="rokhdad")

"""The ``rokhdad serve`` command: the HTTP API and web page (extra ``api``) under uvicorn.

``register(app)`` adds it to the click group. Bad options, a missing extra or a database
that cannot be opened give one ``error:`` line and exit status 1, before the server starts.
"""

from __future__ import annotations

import socket

import click

from rokhdad import errors

DEFAULT_HOST = "127.0.0.1"  # local only; --host 0.0.0.0 to serve a network (then set a token)
DEFAULT_PORT = 8000
DEFAULT_MAX_BODY = 10 * 1024 * 1024  # bytes; the same default as rokhdad.api.app (not imported: needs the extra)


def _load_api():
    try:
        import uvicorn

        from rokhdad.api.app import create_app
    except ImportError as error:
        raise errors.ConfigError(f"'rokhdad serve' needs the api extra: pip install 'rokhdad[api]' "
                                 f"({error})") from error
    return uvicorn, create_app


@click.command("serve")
@click.option("--db", "db", envvar="ROKHDAD_DB", metavar="URL",
              help="Database: a file path or sqlite:///PATH (default rokhdad.db), or postgresql://USER@HOST/DB. "
                   "[env: ROKHDAD_DB]")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Interface to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="TCP port (0: any free port).")
@click.option("--read-only", is_flag=True, help="Serve the dataset without any write endpoint; the database "
                                                "must exist and is opened read-only.")
@click.option("--token", envvar="ROKHDAD_TOKEN", metavar="TOKEN",
              help="Bearer token the write endpoints require. [env: ROKHDAD_TOKEN]")
@click.option("--max-body", default=DEFAULT_MAX_BODY, show_default=True, type=click.IntRange(min=1),
              metavar="BYTES", help="Largest request body; bigger ones get 413.")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]), help="Server log level.")
def serve(db, host, port, read_only, token, max_body, log_level) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json) and the web page at /.

    Write endpoints (POST /articles) are open unless a token is set (--token or
    ROKHDAD_TOKEN); --read-only removes them. 'rokhdad ingest' may write to the same
    database while the server reads it.
    """
    from rokhdad.cli.main import user_errors

    with user_errors():
        uvicorn, create_app = _load_api()
        listener = _listen(host, port)  # first: a taken port must not leave a new empty database behind
        try:
            app = create_app(db, read_only=read_only, token=token, max_body=max_body)
        except BaseException:
            listener.close()
            raise
        if token is None and not read_only and host not in ("127.0.0.1", "localhost", "::1"):
            click.echo(f"warning: serving {host} with open write endpoints; set ROKHDAD_TOKEN or --read-only",
                       err=True)
        shown = f"[{host}]" if ":" in host else host
        click.echo(f"serving http://{shown}:{listener.getsockname()[1]}/ (database "
                   f"{app.state.database}{', read-only' if read_only else ''}; Ctrl-C to stop)", err=True)
        config = uvicorn.Config(app, log_level=log_level, server_header=False)
        try:
            uvicorn.Server(config).run(sockets=[listener])
        except KeyboardInterrupt:  # uvicorn shuts down cleanly, then re-raises Ctrl-C: a normal stop
            click.echo("stopped", err=True)


def _listen(host: str, port: int) -> socket.socket:
    """A bound socket, so a taken port or a bad host is one error line, not a server log."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
        listener = socket.socket(family, kind, proto)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
    except OSError as error:  # port taken, unknown host, address not available
        raise errors.InputError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return listener


def register(app: click.Group) -> click.Group:
    """Add ``rokhdad serve`` to ``app`` (once)."""
    if serve.name not in app.commands:
        app.add_command(serve)
    return app

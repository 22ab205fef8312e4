"""The HTTP API: ``create_app(db=...)`` builds a FastAPI app over one store, plus the web page.

Invariant: every error leaves as JSON ``{"error": ClassName, "message": ...}`` with the
class's ``http_status`` (one handler, ``error_response``); no stack trace reaches a client.
Endpoints are plain ``def``: FastAPI runs them in its thread pool, so the extractor's CPU
work and database reads never block the event loop.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rokhdad import errors
from rokhdad.api import reads, schemas
from rokhdad.store import database, query
from rokhdad.store.inputs import InputFailure, parse_date_option

log = logging.getLogger(__name__)

TOKEN_ENV = "ROKHDAD_TOKEN"
DEFAULT_MAX_BODY = 10 * 1024 * 1024  # bytes; 5x the longest article rokhdad accepts (reader.MAX_ARTICLE_CHARS)
DEFAULT_LIMIT = 100
MAX_LIMIT = 5000  # incidents per page: a whole map's worth, still a few MB of JSON
STATIC = Path(__file__).with_name("static")
HTTP_ERRORS = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFoundError",
               405: "MethodNotAllowed", 413: "BodyTooLarge", 422: "InputError"}
EXPORT_TYPES = {"acled-csv": ("text/csv; charset=utf-8", "incidents.csv"),
                "plover-jsonl": ("application/x-ndjson; charset=utf-8", "incidents.jsonl"),
                "geojson": ("application/geo+json", "incidents.geojson"),
                "parquet": ("application/vnd.apache.parquet", "incidents.parquet")}
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": schemas.ErrorOut, "description": name} for status, name in
    ((404, "unknown id or route"), (422, "bad input"), (500, "internal error (logged on the server)"))}


# -- errors ----------------------------------------------------------------------------

def _options(message: str) -> str:
    # the store's messages name CLI options (--type); here they are query parameters
    return re.sub(r"(?<![\w-])--(?=[a-z])", "", message)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(x) for x in error.get("loc", ()))
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error", "")
            parts.append(f"malformed JSON body{': ' + str(reason) if reason else ''}")
        else:
            parts.append(f"{where}: {error.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def error_response(exc: Exception, scope: Scope | None = None) -> JSONResponse:
    """The one error handler: any exception to ``{"error", "message"}`` with its HTTP status."""
    headers = None
    if isinstance(exc, errors.RokhdadError):
        status, name, message = exc.http_status, type(exc).__name__, _options(str(exc))
    elif isinstance(exc, RequestValidationError):
        status, name, message = 422, "InputError", _validation_message(exc)
    elif isinstance(exc, HTTPException):
        status, name, message = exc.status_code, HTTP_ERRORS.get(exc.status_code, "HTTPError"), str(exc.detail)
        headers = exc.headers
        if status == 400 and message == "There was an error parsing the body":  # FastAPI's, e.g. not UTF-8
            cause = exc.__cause__
            status, name = 422, "InputError"
            message = "cannot read the body as JSON" + (f": {cause}" if cause else "")
        if scope is not None and status in (404, 405) and message in ("Not Found", "Method Not Allowed"):
            where = scope.get("path", "")
            message = (f"no such path: {where}" if status == 404
                       else f"method {scope.get('method')} is not allowed on {where}")
            app = scope.get("app")
            if status == 404 and scope.get("method") == "POST" and getattr(getattr(app, "state", None),
                                                                          "read_only", False):
                message += " (this server is read-only: it has no write endpoints)"
    else:
        log.error("internal error: %s", exc, exc_info=exc)
        status, name, message = 500, "InternalError", "internal error; the server log has the details"
    if status >= 500 and isinstance(exc, errors.RokhdadError):
        log.error("%s: %s", name, exc, exc_info=exc)
    return JSONResponse({"error": name, "message": message}, status_code=status, headers=headers)


async def _handle(request: Request, exc: Exception) -> JSONResponse:
    return error_response(exc, request.scope)


class Guard:
    """ASGI middleware: bodies over ``max_body`` get 413 (declared or streamed), and an
    exception no handler took becomes a logged 500 JSON answer instead of a traceback."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await error_response(HTTPException(400, "Content-Length is not a number"))(scope, receive, send)
                return
            if int(declared) > self.max_body:
                await error_response(self._too_large())(scope, receive, send)
                return
        received = 0
        started = False

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise self._too_large()  # FastAPI re-raises HTTPException from body reading
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: log it, answer JSON
            if started:
                raise
            await error_response(exc)(scope, receive, send)

    def _too_large(self) -> HTTPException:
        return HTTPException(413, f"request body larger than {self.max_body:,} bytes (the server's --max-body)")


# -- request parts ---------------------------------------------------------------------

def _filters(
    since: Annotated[str | None, Query(description="Incidents on or after this day (YYYY-MM-DD).",
                                       examples=["2020-01-01"])] = None,
    until: Annotated[str | None, Query(description="Incidents on or before this day (YYYY-MM-DD).")] = None,
    country: Annotated[str | None, Query(description="ISO alpha-3 code (IRQ) or English name.")] = None,
    type: Annotated[str | None, Query(description="ASSAULT, PROTEST, COERCE or MOBILIZE.")] = None,
    actor: Annotated[str | None, Query(description="Any party's name contains this (Persian or English).")] = None,
    place: Annotated[str | None, Query(description="Place, province or country name contains this.")] = None,
    include_optional: Annotated[bool, Query(alias="all", description="Include incidents known only from "
                                                                     "background mentions.")] = False,
) -> query.Filters:
    """The CLI's filters as query parameters, checked (bad values are ``InputError``)."""
    filters = query.Filters(parse_date_option(since, "since"), parse_date_option(until, "until"), country, type,
                            actor, place, include_optional)
    return filters.checked()


Filters = Annotated[query.Filters, Depends(_filters)]


def _token_check(token: str | None):
    bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <ROKHDAD_TOKEN>")

    # a plain default, not Annotated: ``bearer`` is local, and annotations here are strings
    def check(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> None:
        if token is None:
            return
        if credentials is None:
            raise HTTPException(401, "this endpoint needs 'Authorization: Bearer <token>' (the server's "
                                     f"{TOKEN_ENV})", headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
            raise HTTPException(403, "wrong token")

    return check


# -- the app ---------------------------------------------------------------------------

def create_app(db: str | database.Store | None = None, *, read_only: bool = False, token: str | None = None,
               max_body: int = DEFAULT_MAX_BODY) -> FastAPI:
    """The API and web page over the store at ``db`` (see ``database.resolve_url``).

    Args:
        db: a database URL or path, or an open ``Store`` (then the caller closes it).
        read_only: register no write endpoint, and refuse writes at the database too;
            the database must exist.
        token: bearer token the write endpoints require (None: open).
        max_body: largest request body in bytes (413 above it).

    Raises:
        StoreError, InputError: the database cannot be opened.
    """
    if max_body <= 0:
        raise errors.InputError(f"--max-body must be positive, got {max_body}")
    if token is not None and not token.strip():
        raise errors.InputError(f"the token ({TOKEN_ENV} / --token) is empty")
    owned = not isinstance(db, database.Store)
    store = database.open_store(db, create=not read_only) if owned else db
    if read_only:
        _refuse_writes(store)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            store.close()

    from rokhdad import __version__

    app = FastAPI(title="rokhdad", version=__version__, lifespan=lifespan, responses=ERRORS,
                  docs_url=None, redoc_url=None,  # their pages load scripts from a CDN; no network at run time
                  description="Persian news to a traceable conflict-event dataset. Every span is "
                              "start/end into the original article text.")
    app.state.store = store
    app.state.read_only = read_only
    app.state.database = database.describe(store.url)
    for kind in (errors.RokhdadError, RequestValidationError, HTTPException):
        app.add_exception_handler(kind, _handle)
    app.add_middleware(Guard, max_body=max_body)

    @app.get("/health", response_model=schemas.HealthOut, tags=["meta"])
    def health() -> dict[str, Any]:
        """Liveness: version and mode (no database query)."""
        return {"status": "ok", "version": __version__, "read_only": read_only,
                "write_protected": token is not None, "database": database.describe(store.url)}

    @app.post("/extract", response_model=schemas.ExtractOut, tags=["extract"])
    def extract(body: schemas.ExtractIn) -> dict[str, Any]:
        """An article's incidents with every evidence span into the submitted text; nothing stored."""
        from rokhdad.extract.output import json_line
        from rokhdad.pipeline import process
        from rokhdad.reader import article_from_json

        article = article_from_json({"id": body.id or "extract", "text": body.text, "published": body.published,
                                     "source": body.source, "title": body.title}, "request body")
        out = json_line(article, process(article))
        out["spans"] = [s for event in out["events"] for s in reads.event_spans(event, article.text)]
        return out

    if not read_only:
        @app.post("/articles", response_model=schemas.RunSummaryOut, tags=["store"],
                  dependencies=[Depends(_token_check(token))],
                  responses={401: {"model": schemas.ErrorOut}, 403: {"model": schemas.ErrorOut},
                             413: {"model": schemas.ErrorOut}})
        def post_articles(body: Annotated[schemas.ArticleIn | list[schemas.ArticleIn], Body()]) -> dict[str, Any]:
            """Code and store one article or a list, then merge incidents (as ``rokhdad ingest``)."""
            return _ingest(store, body)

    @app.get("/incidents", response_model=schemas.IncidentPage, tags=["incidents"])
    def incidents(filters: Filters, sort: schemas.Sort = "date",
                  limit: Annotated[int, Query(ge=0, le=MAX_LIMIT)] = DEFAULT_LIMIT,
                  offset: Annotated[int, Query(ge=0, le=2**62)] = 0) -> dict[str, Any]:
        """Incidents matching the filters, one page at a time, with the total count."""
        return reads.list_incidents(store, filters, sort, limit, offset)

    @app.get("/incidents/{incident_id}", response_model=schemas.IncidentDetail, tags=["incidents"])
    def incident(incident_id: str) -> dict[str, Any]:
        """One incident: mentions with their spans, sources, attributions, conflicts."""
        return reads.incident_detail(store, incident_id)

    @app.get("/articles/{article_id}", response_model=schemas.ArticleOut, tags=["store"])
    def article(article_id: str, version: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> dict[str, Any]:
        """An article's text and metadata, and every span of its mentions."""
        return reads.article_detail(store, article_id, version)

    @app.get("/timeline", response_model=schemas.TimelineOut, tags=["incidents"])
    def timeline(filters: Filters) -> dict[str, Any]:
        """Incidents per day and type under the filters."""
        return reads.timeline(store, filters)

    @app.get("/facets", response_model=schemas.FacetsOut, tags=["incidents"])
    def facets(include_optional: Annotated[bool, Query(alias="all")] = False) -> dict[str, Any]:
        """The values the filters can take: types, countries, top actors, date range."""
        from rokhdad.store.export import FORMATS

        return {**reads.facets(store, include_optional), "sorts": list(schemas.SORTS),
                "export_formats": list(FORMATS)}

    @app.get("/export", tags=["store"], response_class=FileResponse,
             responses={200: {"content": {kind: {} for kind, _ in EXPORT_TYPES.values()},
                              "description": "The export file, as 'rokhdad export' writes it."}})
    def export(filters: Filters, export_format: Annotated[schemas.ExportFormat, Query(alias="format")],
               limit: Annotated[int | None, Query(ge=0, le=2**62)] = None) -> FileResponse:
        """Incidents as ACLED CSV, PLOVER JSONL, GeoJSON or Parquet, filtered as /incidents."""
        from dataclasses import replace

        from rokhdad.store import export as store_export

        found = query.find_incidents(store, replace(filters, limit=limit))
        media_type, filename = EXPORT_TYPES[export_format]
        handle, path = tempfile.mkstemp(prefix="rokhdad-export-", suffix="-" + filename)
        os.close(handle)
        try:
            store_export.write_export(found, export_format, path)
        except BaseException:
            os.unlink(path)
            raise
        return FileResponse(path, media_type=media_type, filename=filename,
                            background=BackgroundTask(os.unlink, path))

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        page = STATIC / "index.html"
        if not page.is_file():
            raise errors.NotFoundError("the web page is not installed (api/static/index.html)")
        return FileResponse(page, media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")
    return app


def _ingest(store: database.Store, body: schemas.ArticleIn | list[schemas.ArticleIn]) -> dict[str, Any]:
    from rokhdad.reader import article_from_json
    from rokhdad.serialize import to_dict
    from rokhdad.store.ingest import ingest

    many = isinstance(body, list)
    items = body if many else [body]
    if not items:
        raise errors.InputError("no articles: send one article object or a non-empty list")
    articles = []
    for n, item in enumerate(items):
        where = f"body[{n}]" if many else "body"
        obj = item.model_dump(exclude_unset=True)
        try:
            articles.append(article_from_json(obj, where))
        except errors.ArticleError as exc:
            known = obj.get("id") is not None and str(obj["id"]).strip() != ""
            articles.append(InputFailure(where, type(exc).__name__, str(exc), str(obj["id"]) if known else None))
    summary = ingest(store, articles, inputs=f"api: {len(items)} article(s)")
    return to_dict(summary)


def _refuse_writes(store: database.Store) -> None:
    """Make every later connection read-only at the database (SQLite ``query_only``,
    PostgreSQL read-only sessions); the schema check of ``open_store`` has run already."""
    from sqlalchemy import event

    @event.listens_for(store.engine, "connect")
    def _read_only(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        if store.dialect == "sqlite":
            cursor.execute("PRAGMA query_only=ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        cursor.close()
        if store.dialect != "sqlite":
            dbapi_connection.commit()

    store.engine.dispose()  # drop the connection the schema check used: new ones get the listener

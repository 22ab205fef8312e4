"""Every error status: JSON {"error", "message"} with the class's HTTP status, never a traceback;
bearer token, read-only mode and the body limit."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

import logging  # noqa: E402

from rokhdad import errors  # noqa: E402
from rokhdad.api import reads  # noqa: E402
from rokhdad.api.app import create_app  # noqa: E402


def check_error(response, status: int, error: str, *words: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "message"} and body["error"] == error, body
    assert body["message"] and "Traceback" not in body["message"]
    for word in words:
        assert word in body["message"], body
    return body


@pytest.mark.parametrize("method,path,kwargs,status,error,words", [
    ("get", "/incidents/I-nope", {}, 404, "NotFoundError", ["I-nope"]),
    ("get", "/articles/nope", {}, 404, "NotFoundError", ["nope"]),
    ("get", "/no/such/path", {}, 404, "NotFoundError", ["/no/such/path"]),
    ("delete", "/incidents", {}, 405, "MethodNotAllowed", ["DELETE"]),
    ("put", "/extract", {"json": {"text": "x"}}, 405, "MethodNotAllowed", []),
    ("get", "/incidents", {"params": {"since": "2020-02-30"}}, 422, "DateError", ["since", "YYYY-MM-DD"]),
    ("get", "/incidents", {"params": {"since": "2021-01-01", "until": "2020-01-01"}}, 422, "InputError", ["after"]),
    ("get", "/incidents", {"params": {"type": "BOMBING"}}, 422, "InputError", ["type", "ASSAULT"]),
    ("get", "/incidents", {"params": {"country": "Atlantis"}}, 422, "InputError", ["country"]),
    ("get", "/incidents", {"params": {"actor": "!!!"}}, 422, "InputError", ["actor"]),
    ("get", "/incidents", {"params": {"sort": "color"}}, 422, "InputError", ["sort"]),
    ("get", "/incidents", {"params": {"limit": "100000"}}, 422, "InputError", ["limit"]),
    ("get", "/incidents", {"params": {"offset": "-1"}}, 422, "InputError", ["offset"]),
    ("get", "/incidents", {"params": {"all": "perhaps"}}, 422, "InputError", ["all"]),
    ("get", "/timeline", {"params": {"until": "tomorrow"}}, 422, "DateError", ["until"]),
    ("get", "/export", {"params": {"format": "xlsx"}}, 422, "InputError", ["format"]),
    ("get", "/export", {}, 422, "InputError", ["format"]),
    ("get", "/articles/seed-000", {"params": {"version": "zero"}}, 422, "InputError", ["version"]),
    ("post", "/extract", {"content": b'{"text": "x"', "headers": {"content-type": "application/json"}},
     422, "InputError", ["malformed JSON"]),
    ("post", "/extract", {"content": b"\xff\xfe\x00binary", "headers": {"content-type": "application/json"}},
     422, "InputError", []),
    ("post", "/extract", {"json": {}}, 422, "InputError", ["text"]),
    ("post", "/extract", {"json": {"text": 5}}, 422, "InputError", ["text"]),
    ("post", "/extract", {"json": {"text": "  \n"}}, 422, "ArticleError", ["empty"]),
    ("post", "/extract", {"json": {"text": "حمله", "published": "13/10/1398"}}, 422, "ArticleError", ["date"]),
    ("post", "/extract", {"json": {"text": "a\x00b"}}, 422, "ArticleError", ["NUL"]),
    ("post", "/articles", {"json": []}, 422, "InputError", ["no articles"]),
    ("post", "/articles", {"json": "text"}, 422, "InputError", []),
    ("post", "/articles", {"json": [{"id": "x", "text": ["not", "a", "string"]}]}, 422, "InputError", ["text"]),
])
def test_error_statuses(client, method, path, kwargs, status, error, words):
    check_error(getattr(client, method)(path, **kwargs), status, error, *words)


def test_unexpected_exception_is_a_logged_500_without_details(client, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(reads, "list_incidents", broken)
    with caplog.at_level(logging.ERROR, logger="rokhdad.api.app"):
        body = check_error(client.get("/incidents"), 500, "InternalError")
    assert "secret" not in body["message"]
    assert any("secret internals" in r.getMessage() for r in caplog.records)
    assert client.get("/health").status_code == 200  # the server goes on


def test_store_error_is_a_500_with_its_class(client, monkeypatch):
    def broken(*args, **kwargs):
        raise errors.StoreError("rokhdad.db: disk I/O error")

    monkeypatch.setattr(reads, "timeline", broken)
    check_error(client.get("/timeline"), 500, "StoreError", "disk I/O")


# -- body limit ------------------------------------------------------------------------

def test_body_over_the_limit_by_content_length(make_client):
    client = make_client(max_body=1000)
    check_error(client.post("/extract", json={"text": "ا" * 1000}), 413, "BodyTooLarge", "1,000")
    assert client.post("/extract", json={"text": "حمله"}).status_code == 200


def test_body_over_the_limit_when_streamed(make_client):
    client = make_client(max_body=1000)

    def chunks():  # no Content-Length: only the streamed size can tell
        yield b'{"text": "'
        for _ in range(50):
            yield b"x" * 100
        yield b'"}'

    check_error(client.post("/extract", content=chunks(), headers={"content-type": "application/json"}),
                413, "BodyTooLarge")
    check_error(client.post("/articles", content=chunks(), headers={"content-type": "application/json"}),
                413, "BodyTooLarge")


def test_bad_content_length(client):
    response = client.post("/extract", content=b'{"text": "x"}',
                           headers={"content-type": "application/json", "content-length": "many"})
    check_error(response, 400, "BadRequest")


def test_bad_settings():
    with pytest.raises(errors.InputError):
        create_app(":memory:", max_body=0)
    with pytest.raises(errors.InputError):
        create_app(":memory:", token="  ")


# -- token -----------------------------------------------------------------------------

def test_token_protects_writes_only(make_client):
    client = make_client(token="s3cret-token")
    article = {"id": "tok-1", "text": "روز گذشته یک حمله راکتی به پایگاه عین الاسد انجام شد."}
    response = client.post("/articles", json=article)
    check_error(response, 401, "Unauthorized", "Bearer")
    assert response.headers["www-authenticate"] == "Bearer"
    check_error(client.post("/articles", json=article, headers={"Authorization": "Bearer wrong"}),
                403, "Forbidden")
    check_error(client.post("/articles", json=article, headers={"Authorization": "Bearer s3cret-token2"}),
                403, "Forbidden")
    check_error(client.post("/articles", json=article, headers={"Authorization": "Basic s3cret-token"}),
                401, "Unauthorized")
    assert client.get("/articles/tok-1").status_code == 404  # nothing was stored
    ok = client.post("/articles", json=article, headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 200 and ok.json()["new"] == 1
    assert client.get("/articles/tok-1").status_code == 200
    # reads and /extract (stores nothing) stay open
    assert client.get("/incidents").status_code == 200
    assert client.post("/extract", json={"text": article["text"]}).status_code == 200
    assert client.get("/health").json()["write_protected"] is True
    security = client.get("/openapi.json").json()["paths"]["/articles"]["post"].get("security")
    assert security, "the OpenAPI document says the endpoint needs a bearer token"


# -- read-only -------------------------------------------------------------------------

def test_read_only_has_no_write_endpoint(make_client):
    client = make_client(read_only=True)
    response = client.post("/articles", json={"id": "ro-1", "text": "متن"})
    check_error(response, 404, "NotFoundError", "read-only")
    assert "/articles" not in client.get("/openapi.json").json()["paths"]
    assert client.get("/health").json()["read_only"] is True
    assert client.get("/incidents").json()["total"] > 0
    assert client.post("/extract", json={"text": "حمله راکتی به بغداد"}).status_code == 200


def test_read_only_refuses_writes_at_the_database(make_client):
    client = make_client(read_only=True)
    store = client.app.state.store
    import sqlalchemy as sa

    with pytest.raises(errors.StoreError, match="readonly|read-only|read only"):
        with store.write() as connection:
            connection.execute(sa.text("DELETE FROM failures"))


def test_read_only_needs_an_existing_database(tmp_path):
    with pytest.raises(errors.StoreError, match="no database"):
        create_app(str(tmp_path / "missing.db"), read_only=True)
    assert not (tmp_path / "missing.db").exists()

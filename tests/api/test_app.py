"""Every endpoint on the bundled samples: shapes, spans against the text, filters, pagination,
and the same answers as the CLI and the store layer."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

import json  # noqa: E402

from rokhdad.pipeline import process  # noqa: E402
from rokhdad.samples import sample_articles  # noqa: E402
from rokhdad.store import query  # noqa: E402
from rokhdad.store.database import open_store, table_counts  # noqa: E402


def all_incidents(client, **params) -> list[dict]:
    response = client.get("/incidents", params={"limit": 5000, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def check_spans(spans: list[dict], text: str) -> None:
    for span in spans:
        assert 0 <= span["start"] <= span["end"] <= len(text)
        assert span["text"] == text[span["start"]:span["end"]]


def test_health(client):
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["read_only"] is False and body["write_protected"] is False


def test_incidents_match_the_store(client, samples_db):
    with open_store(samples_db, create=False) as store:
        expected = query.find_incidents(store)
        everything = query.find_incidents(store, query.Filters(include_optional=True))
    page = client.get("/incidents").json()
    assert page["total"] == len(expected) > 0
    assert {i["id"] for i in page["items"]} == {i.id for i in expected}
    assert client.get("/incidents", params={"all": "true"}).json()["total"] == len(everything)
    by_id = {i.id: i for i in expected}
    for item in page["items"]:
        incident = by_id[item["id"]]
        assert item["fatalities"] == incident.fatalities
        assert item["num_mentions"] == incident.num_mentions
        if incident.place and incident.place.latitude is not None:
            assert (item["lat"], item["lon"]) == (incident.place.latitude, incident.place.longitude)
        assert item["category"]["event_type"]  # every sample incident maps to an ACLED category


@pytest.mark.parametrize("params", [
    {"type": "COERCE"}, {"type": "assault"}, {"country": "IRQ"}, {"country": "Iraq"},
    {"since": "2020-01-01", "until": "2020-02-29"}, {"actor": "United States"}, {"actor": "سپاه"},
    {"place": "Baghdad"}, {"all": "true", "country": "GBR"},
])
def test_filters_are_the_clis(client, samples_db, params):
    from rokhdad.store.inputs import parse_date_option

    filters = query.Filters(parse_date_option(params.get("since")), parse_date_option(params.get("until")),
                            params.get("country"), params.get("type"), params.get("actor"), params.get("place"),
                            params.get("all") == "true")
    with open_store(samples_db, create=False) as store:
        expected = [i.id for i in query.find_incidents(store, filters)]
    got = all_incidents(client, **params)
    assert sorted(i["id"] for i in got) == sorted(expected)
    assert client.get("/timeline", params=params).json()["days"] is not None


def test_pagination_covers_every_incident_once(client):
    full = [i["id"] for i in all_incidents(client, sort="-date")]
    pages = []
    for offset in range(0, len(full) + 7, 7):
        page = client.get("/incidents", params={"sort": "-date", "limit": 7, "offset": offset}).json()
        assert page["total"] == len(full) and page["limit"] == 7 and page["offset"] == offset
        pages.extend(i["id"] for i in page["items"])
    assert pages == full
    assert client.get("/incidents", params={"limit": 0}).json()["items"] == []


@pytest.mark.parametrize("field,key", [("fatalities", "fatalities"), ("mentions", "num_mentions"),
                                       ("articles", "num_articles"), ("date", "date_start")])
def test_sort(client, field, key):
    for sort, descending in ((field, False), ("-" + field, True)):
        values = [i[key] for i in all_incidents(client, sort=sort)]
        known = [v for v in values if v is not None]
        assert values[:len(known)] == known, "unknown values come last"
        assert known == sorted(known, reverse=descending)


def test_incident_detail_traces_every_value_to_its_words(client):
    texts = {}
    for item in all_incidents(client, all="true"):
        detail = client.get(f"/incidents/{item['id']}").json()
        assert {k: detail[k] for k in item} == item  # a superset of the list item
        assert len(detail["mentions"]) == detail["num_mentions"]
        assert {c["field"] for c in detail["conflicts"]} == set(detail["disputed"])
        for conflict in detail["conflicts"]:
            assert len({json.dumps(v["value"]) for v in conflict["values"]}) > 1
        for mention in detail["mentions"]:
            if mention["article_id"] not in texts:
                texts[mention["article_id"]] = client.get(f"/articles/{mention['article_id']}").json()["text"]
            text = texts[mention["article_id"]]
            check_spans(mention["spans"], text)
            assert {"evidence"} <= {s["field"] for s in mention["spans"]}
            for span in mention["event"]["evidence"]:
                assert any(s["field"] == "evidence" and (s["start"], s["end"]) == (span["start"], span["end"])
                           for s in mention["spans"])
    assert texts


def test_article_text_and_spans(client):
    articles = {a.id: a for a in sample_articles()}
    seen_fields = set()
    for article in articles.values():
        body = client.get(f"/articles/{article.id}").json()
        assert body["text"] == article.text  # the original text, untouched
        assert body["versions"] == [1] and body["current"] and body["status"] == "coded"
        check_spans(body["spans"], article.text)
        assert len(body["spans"]) == sum(len(m["spans"]) for m in body["mentions"])
        seen_fields.update(s["field"] for s in body["spans"])
    assert {"evidence", "place", "date", "targets", "type"} <= seen_fields
    assert client.get(f"/articles/{article.id}", params={"version": 1}).json()["version"] == 1
    missing = client.get(f"/articles/{article.id}", params={"version": 2})
    assert missing.status_code == 404 and missing.json()["error"] == "NotFoundError"


def test_timeline_counts_every_incident(client):
    for params in ({}, {"all": "true"}, {"country": "IRQ"}):
        total = client.get("/incidents", params=params).json()["total"]
        timeline = client.get("/timeline", params=params).json()
        days = [d["date"] for d in timeline["days"]]
        assert days == sorted(days)
        assert sum(d["total"] for d in timeline["days"]) + timeline["undated"]["total"] == total
        for day in timeline["days"]:
            assert sum(day["counts"].values()) == day["total"]
            assert set(day["counts"]) <= set(timeline["types"])


def test_facets(client):
    facets = client.get("/facets").json()
    items = all_incidents(client)
    assert facets["total"] == len(items)
    assert sum(t["count"] for t in facets["types"]) == len(items)
    iraq = next(c for c in facets["countries"] if c["value"] == "IRQ")
    assert iraq["label"] == "Iraq" and iraq["count"] == sum(i["country"] == "IRQ" for i in items)
    assert facets["actors"] and facets["actors"][0]["count"] >= facets["actors"][-1]["count"]
    assert facets["date_min"] <= facets["date_max"]
    assert "-fatalities" in facets["sorts"] and "geojson" in facets["export_formats"]
    # a listed actor, used as a filter, finds incidents
    actor = facets["actors"][0]
    assert all_incidents(client, actor=actor["name_en"] or actor["name"])


def test_extract_returns_the_clis_events_and_stores_nothing(client, samples_db):
    article = next(a for a in sample_articles() if a.id == "seed-000")
    with open_store(samples_db, create=False) as store, store.read() as connection:
        before = table_counts(connection)
    response = client.post("/extract", json={"text": article.text, "published": article.published.isoformat(),
                                             "id": article.id})
    assert response.status_code == 200, response.text
    body = response.json()
    from rokhdad.extract.output import json_line

    expected = json.loads(json.dumps(json_line(article, process(article)), ensure_ascii=False))
    assert body["events"] == expected["events"] and body["events"]
    check_spans(body["spans"], article.text)
    assert {s["event_id"] for s in body["spans"]} == {e["id"] for e in body["events"]}
    for event in body["events"]:
        assert event["evidence_text"] == [article.text[s["start"]:s["end"]] for s in event["evidence"]]
    with open_store(samples_db, create=False) as store, store.read() as connection:
        assert table_counts(connection) == before


def test_extract_keeps_offsets_into_the_submitted_text(client):
    # ZWNJ, Arabic letter forms and Persian digits are normalised internally; offsets are not
    text = ("به گزارش خبرگزاری\u200cها، روز ۱۳ دی ۱۳۹۸ یک حمله پهپادی آمریكا در فرودگاه بغداد "
            "۱۰ نفر را كشت.")
    body = client.post("/extract", json={"text": text, "published": "2020-01-04"}).json()
    assert body["events"]
    check_spans(body["spans"], text)


def test_post_articles_is_the_ingest_path(make_client, tmp_path, samples_template):
    """Posting the samples into an empty store gives the store 'rokhdad ingest --samples' made."""
    client = make_client(str(tmp_path / "empty.db"))
    assert client.get("/incidents").json()["total"] == 0
    payload = [{"id": a.id, "text": a.text, "published": a.published.isoformat() if a.published else None,
                "source": a.source, "title": a.title, "url": a.url} for a in sample_articles()]
    summary = client.post("/articles", json=payload).json()
    assert summary["read"] == summary["new"] == len(payload) and summary["failed"] == 0
    with open_store(str(tmp_path / "empty.db"), create=False) as posted, \
            open_store(str(samples_template), create=False) as ingested:
        got = query.find_incidents(posted, query.Filters(include_optional=True))
        want = query.find_incidents(ingested, query.Filters(include_optional=True))
    assert [i.id for i in got] == [i.id for i in want] and summary["incidents"] == len(want)
    again = client.post("/articles", json=payload[0]).json()  # one object, already stored
    assert (again["read"], again["unchanged"], again["new"]) == (1, 1, 0)


def test_post_articles_records_bad_articles_and_goes_on(client):
    good = sample_articles()[0]
    body = client.post("/articles", json=[
        {"id": "empty", "text": "   "},
        {"text": "no id"},
        {"id": "bad-date", "text": "متن", "published": "1399/10/13"},
        {"id": "new-one", "text": good.text, "date": "2022-01-06", "outlet": "bbcpersian"},
    ]).json()
    assert (body["read"], body["new"], body["failed"]) == (4, 1, 3)  # unreadable input is not an article row
    failures = {f["location"]: f for f in body["failures"]}
    assert failures["body[0]"]["article_id"] == "empty" and failures["body[0]"]["error_class"] == "ArticleError"
    assert failures["body[1]"]["article_id"] is None and "missing 'id'" in failures["body[1]"]["message"]
    assert "not a date" in failures["body[2]"]["message"]
    stored = client.get("/articles/new-one").json()
    assert stored["source"] == "bbcpersian" and stored["published"] == "2022-01-06" and stored["mentions"]
    assert client.get("/articles/empty").status_code == 404


def test_post_articles_new_version(client):
    article = sample_articles()[0]
    changed = article.text + "\nویرایش: این خبر به‌روز شد."
    body = client.post("/articles", json={"id": article.id, "text": changed}).json()
    assert body["versions"] == 1
    current = client.get(f"/articles/{article.id}").json()
    assert current["version"] == 2 and current["versions"] == [1, 2] and current["text"] == changed
    check_spans(current["spans"], changed)
    old = client.get(f"/articles/{article.id}", params={"version": 1}).json()
    assert old["text"] == article.text and not old["current"]
    check_spans(old["spans"], article.text)


@pytest.mark.parametrize("fmt", ["acled-csv", "plover-jsonl", "geojson", "parquet"])
def test_export_is_the_clis_file(client, samples_db, tmp_path, fmt):
    from rokhdad.cli.main import run

    out = tmp_path / "cli.out"
    assert run(["export", "-f", fmt, "-o", str(out), "--db", samples_db, "--country", "IRQ"]) in (0, None)
    response = client.get("/export", params={"format": fmt, "country": "IRQ"})
    assert response.status_code == 200
    expected_type = {"acled-csv": "text/csv", "plover-jsonl": "application/x-ndjson",
                     "geojson": "application/geo+json", "parquet": "application/vnd.apache.parquet"}[fmt]
    assert response.headers["content-type"].startswith(expected_type)
    assert "attachment" in response.headers["content-disposition"]
    if fmt == "parquet":  # byte layout carries writer metadata; compare the rows
        from rokhdad.store.export import read_export

        got = tmp_path / "api.parquet"
        got.write_bytes(response.content)
        assert read_export(got, fmt) == read_export(out, fmt)
    else:
        assert response.content == out.read_bytes()
    limited = client.get("/export", params={"format": "plover-jsonl", "limit": 2})
    assert len(limited.text.splitlines()) == 2


def test_web_page_and_static_files(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert client.get("/static/index.html").content == page.content
    for path in ("/static/missing.js", "/static/../app.py", "/static/%2e%2e/app.py"):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["error"] == "NotFoundError"


def test_openapi_document(client):
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    for path, method in [("/extract", "post"), ("/articles", "post"), ("/incidents", "get"),
                         ("/incidents/{incident_id}", "get"), ("/articles/{article_id}", "get"),
                         ("/timeline", "get"), ("/facets", "get"), ("/export", "get"), ("/health", "get")]:
        assert method in paths[path], (path, method)
    listed = paths["/incidents"]["get"]["responses"]
    assert listed["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/IncidentPage")
    assert listed["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert {"acled-csv", "parquet"} <= set(json.dumps(paths["/export"]["get"]["parameters"]).split('"'))
    assert client.get("/docs").status_code == 404  # Swagger UI would need a CDN

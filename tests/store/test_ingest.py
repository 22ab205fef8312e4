"""Ingest: deterministic rows, idempotent reruns, versions, re-coding, failures, inputs, CLI."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import sqlalchemy as sa

import fakes
from helpers import run_cli
from rokhdad import serialize
from rokhdad.errors import ConfigError, InputError
from rokhdad.model import Article, Span
from rokhdad.store import inputs, schema
from rokhdad.store.ingest import ingest, load_processor, plan
from rokhdad.store.rows import check_event

TAJI = "شامگاه چهارشنبه پایگاه التاجی هدف حمله راکتی قرار گرفت"
LINE_A = f"{TAJI} @ date=2020-03-11 place=taji target=us,uk fatalities=3 injured=12 mode=heavy-weapons source=joc"
LINE_B = f"{TAJI} @ date=2020-03-11 place=taji target=us fatalities=4 injured=13 source=pentagon"
STRIKE = "حملات هوایی @ date=2020-03-13 place=babil actor=us target=pmf mode=aerial"


def article(id: str, *lines: str, published: str = "2020-03-12", source: str = "tabnak") -> Article:
    return Article(id, "\n".join(["خبر", *lines]), dt.date.fromisoformat(published), source)


def snapshot(store, skip_runs: bool = True) -> dict[str, list[tuple]]:
    """Every table's rows (sorted), without run ids and timestamps."""
    tables = {}
    with store.read() as connection:
        for name, table in schema.metadata.tables.items():
            if skip_runs and name == "runs":
                continue
            columns = [c for c in table.c if c.name != "run_id"]
            rows = connection.execute(sa.select(*columns)).all()
            tables[name] = sorted((tuple(json.dumps(v, sort_keys=True, default=str) for v in row) for row in rows))
    return tables


def run(store, articles, **kwargs):
    kwargs.setdefault("process", fakes.process)
    return ingest(store, articles, **kwargs)


def test_articles_and_mentions_are_stored_with_spans_into_the_text(store):
    a = article("a1", LINE_A, STRIKE)
    summary = run(store, [a])
    assert (summary.read, summary.new, summary.failed, summary.mentions) == (1, 1, 0, 2)
    expected = {e.id: e for e in fakes.process(a)}
    with store.read() as connection:
        row = connection.execute(sa.select(schema.articles)).one()
        assert (row.id, row.version, row.current, row.status, row.num_mentions) == ("a1", 1, True, "coded", 2)
        assert row.text == a.text and row.outlet == "tabnak" and row.published == a.published
        mentions = connection.execute(sa.select(schema.mentions)).all()
    for mention in mentions:
        event = serialize.event_from_dict(mention.record)
        assert event == expected[mention.id]  # lossless
        assert a.text[mention.evidence_start:mention.evidence_end] == a.text[event.evidence[0].start:event.evidence[0].end]
        assert "@" in a.text[mention.evidence_start:mention.evidence_end]


def test_ingesting_twice_changes_nothing(store):
    batch = [article("a1", LINE_A), article("a2", LINE_B, STRIKE, source="roozno"), article("a3", "@ fail")]
    run(store, batch)
    before = snapshot(store)
    again = run(store, batch)
    assert (again.new, again.recoded, again.versions, again.unchanged) == (0, 0, 0, 3)
    assert snapshot(store) == before
    with store.read() as connection:
        runs = connection.execute(sa.select(schema.runs).order_by(schema.runs.c.started_at)).all()
    assert [r.status for r in runs] == ["finished", "finished"]
    assert (runs[1].n_read, runs[1].n_unchanged, runs[1].n_new) == (3, 3, 0)


def test_changed_text_gets_a_new_version_and_keeps_the_old(store):
    run(store, [article("a1", LINE_A), article("a2", LINE_B, source="roozno")])
    changed = article("a1", LINE_A.replace("fatalities=3", "fatalities=5"), "تکمیلی")
    summary = run(store, [changed])
    assert summary.versions == 1
    with store.read() as connection:
        versions = connection.execute(sa.select(schema.articles.c.version, schema.articles.c.current)
                                      .where(schema.articles.c.id == "a1").order_by("version")).all()
        assert versions == [(1, False), (2, True)]
        mentions = connection.execute(sa.select(
            schema.mentions.c.id, schema.mentions.c.current, schema.mentions.c.incident_id,
            schema.mentions.c.article_version).where(schema.mentions.c.article_id == "a1")).all()
    old = [m for m in mentions if m.article_version == 1]
    new = [m for m in mentions if m.article_version == 2]
    assert old and all(not m.current and m.incident_id is None for m in old)
    assert new and all(m.current and m.incident_id and m.id.endswith("~v2") for m in new)
    incident = _only_incident(store)
    assert sorted(v.value for v in incident.reported("fatalities")) == [4, 5]  # the old 3 is gone


def _only_incident(store):
    from rokhdad.store.query import find_incidents

    found = find_incidents(store)
    assert len(found) == 1
    return found[0]


def test_reverting_a_text_reactivates_the_old_version(store):
    first = [article("a1", LINE_A), article("a2", LINE_B, source="roozno")]
    run(store, first)
    before = snapshot(store)
    run(store, [article("a1", LINE_A, "تکمیلی")])
    summary = run(store, first)
    assert summary.versions == 1 and summary.unchanged == 1
    after = snapshot(store)
    assert after["incidents"] == before["incidents"] and after["incident_values"] == before["incident_values"]
    with store.read() as connection:
        assert connection.execute(sa.select(schema.articles.c.version).where(
            schema.articles.c.id == "a1", schema.articles.c.current)).scalar() == 1


def test_new_coder_version_recodes_in_place_and_records_the_run(store):
    batch = [article("a1", LINE_A), article("a2", LINE_B, source="roozno")]
    run(store, batch, coder_version="coder-1")
    ids_before = snapshot(store)["mentions"]
    summary = run(store, batch, coder_version="coder-2")
    assert (summary.recoded, summary.new, summary.versions) == (2, 0, 0)
    with store.read() as connection:
        rows = connection.execute(sa.select(schema.articles.c.version, schema.articles.c.coder_version,
                                            schema.articles.c.run_id)).all()
        assert {(r.version, r.coder_version) for r in rows} == {(1, "coder-2")}
        assert {r.run_id for r in rows} == {summary.run_id}
        run_row = connection.execute(sa.select(schema.runs).where(schema.runs.c.id == summary.run_id)).one()
    assert (run_row.coder_version, run_row.n_recoded, run_row.status) == ("coder-2", 2, "finished")
    assert snapshot(store)["mentions"] == ids_before  # same ids, same content: updated in place
    assert _only_incident(store).num_articles == 2


def test_changed_metadata_recodes(store):
    run(store, [article("a1", LINE_A)])
    summary = run(store, [article("a1", LINE_A, published="2020-03-13")])
    assert summary.recoded == 1
    with store.read() as connection:
        assert connection.execute(sa.select(schema.articles.c.published)).scalar() == dt.date(2020, 3, 13)


def test_recode_flag_recodes_everything(sqlite_store):
    run(sqlite_store, [article("a1", LINE_A)])
    assert run(sqlite_store, [article("a1", LINE_A)], recode=True).recoded == 1


def _version(n, sha, current=True, coder="c", published=dt.date(2020, 3, 12), source="tabnak"):
    from rokhdad.store.ingest import Version

    return Version(n, sha, current, coder, "coded", published, source, None, None)


@pytest.mark.parametrize("versions, coder, recode, expected", [
    ([], "c", False, ("new", 1)),
    ([_version(1, "sha")], "c", False, ("skip", 1)),
    ([_version(1, "sha")], "c", True, ("recode", 1)),
    ([_version(1, "sha")], "c2", False, ("recode", 1)),
    ([_version(1, "sha", source="roozno")], "c", False, ("recode", 1)),
    ([_version(1, "old")], "c", False, ("version", 2)),
    ([_version(1, "sha", current=False), _version(2, "new")], "c", False, ("reactivate", 1)),
    ([_version(1, "sha", current=False, coder="c0"), _version(2, "new")], "c", False, ("reactivate+recode", 1)),
    ([_version(1, "a", current=False), _version(2, "b")], "c", False, ("version", 3)),
])
def test_plan(versions, coder, recode, expected):
    assert plan(article("x", LINE_A), "sha", versions, coder, recode) == expected


def test_bad_articles_become_failures_and_the_batch_finishes(store):
    items = [article("ok1", LINE_A), article("bad", "@ fail"), article("bug", "@ crash"),
             inputs.InputFailure("f.jsonl:3", "ArticleError", "f.jsonl:3: not JSON"), article("ok2", LINE_B)]
    summary = run(store, items)
    assert (summary.read, summary.new, summary.failed) == (5, 4, 3)
    assert [(f.article_id, f.error_class) for f in summary.failures] == [
        ("bad", "ArticleError"), ("bug", "RuntimeError"), (None, "ArticleError")]
    assert [f.internal for f in summary.failures] == [False, True, False]
    with store.read() as connection:
        statuses = dict(connection.execute(sa.select(schema.articles.c.id, schema.articles.c.status)).all())
        failures = connection.execute(sa.select(schema.failures.c.key, schema.failures.c.error_class)).all()
    assert statuses == {"ok1": "coded", "bad": "failed", "bug": "failed", "ok2": "coded"}
    assert sorted(failures) == [("article:bad", "ArticleError"), ("article:bug", "RuntimeError"),
                                ("input:f.jsonl:3", "ArticleError")]
    assert _only_incident(store).num_articles == 2


def test_a_failed_article_that_later_succeeds_clears_its_failure(sqlite_store):
    run(sqlite_store, [article("a1", "@ fail")])
    run(sqlite_store, [article("a1", LINE_A)])
    with sqlite_store.read() as connection:
        assert connection.execute(sa.select(schema.failures)).all() == []
        assert connection.execute(sa.select(schema.articles.c.status).where(schema.articles.c.current)).scalar() == "coded"


def test_spans_outside_the_text_are_refused():
    a = article("a1", LINE_A)
    event = fakes.process(a)[0]
    broken = event.__class__(**{**{f: getattr(event, f) for f in event.__dataclass_fields__},
                                "evidence": (Span(0, len(a.text) + 5),)})
    with pytest.raises(ValueError, match="outside the text"):
        check_event(broken, a)
    with pytest.raises(ValueError, match="names article"):
        check_event(event, Article("other", a.text))
    with pytest.raises(ValueError, match="not Event"):
        check_event({"id": "x"}, a)


def test_extractor_breaking_its_contract_is_a_recorded_failure(sqlite_store):
    def wrong_article(a):
        return fakes.process(Article("someone-else", a.text, a.published))

    summary = run(sqlite_store, [article("a1", LINE_A)], process=wrong_article)
    assert summary.failed == 1 and summary.failures[0].error_class == "ValueError"


def test_duplicate_event_ids_are_both_kept(sqlite_store):
    def twice(a):
        events = fakes.process(a)
        return events + events

    run(sqlite_store, [article("a1", LINE_A)], process=twice)
    with sqlite_store.read() as connection:
        ids = connection.execute(sa.select(schema.mentions.c.id)).scalars().all()
    assert len(ids) == 2 and any(i.endswith("#2") for i in ids)


def test_runs_left_running_by_a_dead_process_are_marked_interrupted(sqlite_store):
    import socket

    with sqlite_store.write() as connection:
        connection.execute(schema.runs.insert().values(
            id="old", coder_version="x", started_at=dt.datetime.now(dt.timezone.utc), status="running",
            host=socket.gethostname(), pid=2 ** 22 + 12345, n_read=0, n_new=0, n_versions=0, n_unchanged=0,
            n_recoded=0, n_failed=0, n_mentions=0))
    run(sqlite_store, [article("a1", LINE_A)])
    with sqlite_store.read() as connection:
        assert connection.execute(sa.select(schema.runs.c.status).where(schema.runs.c.id == "old")).scalar() == "interrupted"


def test_progress_is_reported_per_article(sqlite_store):
    seen = []
    run(sqlite_store, [article(f"a{i}", LINE_A) for i in range(5)], progress=seen.append, chunk_articles=2)
    assert [p.done for p in seen] == [1, 2, 3, 4, 5]


def test_same_id_twice_in_one_chunk(sqlite_store):
    summary = run(sqlite_store, [article("a1", LINE_A), article("a1", LINE_B), article("a1", LINE_B)])
    assert (summary.new, summary.versions, summary.unchanged) == (1, 1, 1)


def test_load_processor():
    assert load_processor("fakes:process") is fakes.process
    for spec in ("fakes", "nosuchmodule:x", "fakes:nothing", "fakes:PLACES"):
        with pytest.raises(InputError, match="--processor"):
            load_processor(spec)


def test_missing_pipeline_is_config_error(monkeypatch):
    import builtins

    from rokhdad.store import ingest as module

    real_import = builtins.__import__

    def no_pipeline(name, *args, **kwargs):
        if name == "rokhdad.pipeline":
            raise ImportError("No module named 'rokhdad.pipeline'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pipeline)
    with pytest.raises(ConfigError, match="rokhdad.pipeline"):
        module.default_processor()


# -- inputs ------------------------------------------------------------------------------

def test_jsonl_with_bad_lines(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes("\n".join([
        json.dumps({"id": "a1", "text": "متن", "published": "2020-03-12", "source": "tabnak"}, ensure_ascii=False),
        "{not json", json.dumps({"text": "no id"}), json.dumps({"id": "a4", "text": "x", "published": "12/03/2020"}),
        "", json.dumps({"id": 5, "text": "عدد"}),
    ]).encode() + b"\n\xff\xfe broken utf8\n")
    items = list(inputs.read_inputs([str(path)]))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Article", "InputFailure", "InputFailure", "InputFailure", "Article", "InputFailure"]
    assert items[0].published == dt.date(2020, 3, 12) and items[0].source == "tabnak"
    assert items[3].article_id == "a4" and "not a date" in items[3].message
    assert items[4].id == "5"
    assert "UTF-8" in items[5].message and items[5].location.endswith(":7")


def test_directory_of_text_files_with_sidecars(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text("متن دوم", encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"published": "2020-03-11", "source": "roozno", "id": "B"}))
    (tmp_path / "sub" / "a.txt").write_bytes("\ufeffمتن اول".encode("utf-8"))
    (tmp_path / "c.txt").write_bytes(b"\xff\xfe\x00bin")
    (tmp_path / "ignored.md").write_text("not an article")
    items = list(inputs.read_inputs([str(tmp_path)], published=dt.date(2020, 1, 1)))
    assert [getattr(i, "id", None) or i.location.rsplit("/", 1)[-1] for i in items] == ["B", "c.txt", "a"]
    assert items[0].published == dt.date(2020, 3, 11) and items[0].source == "roozno"
    assert items[2].text == "متن اول" and items[2].published == dt.date(2020, 1, 1)
    assert inputs.count_articles([str(tmp_path)]) == 3


def test_stdin_jsonl():
    data = json.dumps({"id": "s1", "text": "متن"}).encode() + b"\n"
    items = list(inputs.read_inputs(["-"], stdin=io.BytesIO(data)))
    assert [i.id for i in items] == ["s1"]
    assert inputs.count_articles(["-"]) is None


def test_unusable_paths_fail_early(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        inputs.check_paths([str(tmp_path / "missing.jsonl")])
    binary = tmp_path / "x.jsonl"
    binary.write_bytes(b"\x00\x01\x02" * 10)
    with pytest.raises(InputError, match="binary"):
        inputs.check_paths([str(binary)])


# -- command line --------------------------------------------------------------------------

def test_cli_ingest_prints_a_summary_with_failures(cli, tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text("\n".join(json.dumps({"id": a.id, "text": a.text, "published": str(a.published),
                                           "source": a.source}, ensure_ascii=False)
                              for a in [article("a1", LINE_A), article("a2", LINE_B), article("a3", "@ crash")])
                    + "\n{broken\n", encoding="utf-8")
    db = str(tmp_path / "x.db")
    result = cli("ingest", str(data), "--db", db, "--processor", "fakes:process")
    assert result.exit_code == 0, result.output
    assert "ingested 4 articles" in result.output and "3 new" in result.output and "2 failed" in result.output
    assert "a3  RuntimeError  fake extractor crashed" in result.output
    assert "extractor bugs" in result.output
    result = cli("ingest", str(data), "--db", db, "--processor", "fakes:process", "--json")
    summary = json.loads(result.output)
    assert summary["unchanged"] == 3 and summary["incidents"] == 1


def test_cli_progress_bar(cli, tmp_path):
    data = tmp_path / "in.jsonl"
    data.write_text(json.dumps({"id": "a1", "text": LINE_A}, ensure_ascii=False) + "\n", encoding="utf-8")
    result = cli("ingest", str(data), "--db", str(tmp_path / "x.db"), "--processor", "fakes:process", "--progress")
    assert "articles/s" in result.output and "ETA" in result.output and "1/1" in result.output


def test_cli_ingest_samples(cli, tmp_path):
    result = cli("ingest", "--samples", "--db", str(tmp_path / "s.db"), "--processor", "fakes:process")
    from rokhdad.samples import sample_articles

    assert result.exit_code == 0 and f"ingested {len(sample_articles())} articles" in result.output


@pytest.mark.parametrize("args, message", [
    ((), "nothing to ingest"),
    (("--samples", "--processor", "nosuch.module:x"), "cannot load"),
    (("missing.jsonl",), "missing.jsonl: no such file"),
    (("--samples", "--published", "yesterday"), "--published: 'yesterday' is not a date"),
    (("--samples", "--processor", "nope"), "--processor: expected MODULE:FUNCTION"),
    (("--samples", "--db", "mysql://x/y"), "unsupported database"),
    (("--samples", "--bogus"), "No such option"),
])
def test_cli_ingest_bad_input_is_one_error_line(rokhdad, args, message):
    if "--processor" not in args:
        args = (*args, "--processor", "fakes:process")
    code, out, err = rokhdad("ingest", *args)
    assert code == 1, err
    assert message in err and "Traceback" not in err
    assert err.startswith("error:") and err.count("\n") == 1


def test_cli_ingest_reads_stdin(tmp_path):
    line = json.dumps({"id": "s1", "text": LINE_A, "published": "2020-03-12"}, ensure_ascii=False)
    done = run_cli("ingest", "-", "--db", str(tmp_path / "x.db"), "--processor", "fakes:process",
                   input=line.encode() + b"\n")
    assert done.returncode == 0, done.stderr.decode()
    assert "ingested 1 articles" in done.stdout.decode()
    assert "\r" not in done.stderr.decode()  # no progress bar when piped

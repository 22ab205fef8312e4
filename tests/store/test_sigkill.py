"""Killing ``rokhdad ingest`` with SIGKILL at random moments leaves a consistent database,
and rerunning completes the work: the final state equals one clean run."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

import fakes
from helpers import cli_command, cli_env, run_cli
from rokhdad.store import incidents
from rokhdad.store.database import open_store
from rokhdad.store.ingest import ingest

N_ARTICLES = 300
KILLS = 3
DELAY = "0.012"  # seconds per article in the slow fake extractor: ~4 s of work to interrupt


def write_corpus(path: Path) -> None:
    articles = fakes.synthetic(11, N_ARTICLES, failures=0.03)
    with path.open("w", encoding="utf-8") as handle:
        for a in articles:
            handle.write(json.dumps({"id": a.id, "text": a.text, "published": a.published.isoformat(),
                                     "source": a.source}, ensure_ascii=False) + "\n")
        handle.write("{this line is not JSON\n")


def rows(path: Path) -> dict[str, list]:
    """Every table except runs, without run ids: what a clean run and a resumed run share."""
    out = {}
    with sqlite3.connect(path) as connection:
        for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN "
                                           "('runs', 'alembic_version')"):
            columns = [c[1] for c in connection.execute(f"PRAGMA table_info({table})") if c[1] != "run_id"]
            out[table] = sorted(connection.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall(),
                                key=repr)
    return out


def check_consistent(path: Path) -> int:
    """Integrity after a kill; returns how many articles are stored."""
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        # no half-written article: each has exactly the mentions it says, or is marked failed
        bad = connection.execute("""
            SELECT a.id, a.status, a.num_mentions, COUNT(m.id) FROM articles a
            LEFT JOIN mentions m ON m.article_id = a.id AND m.article_version = a.version
            GROUP BY a.id, a.version HAVING COUNT(m.id) != a.num_mentions
                OR (a.status = 'failed' AND a.num_mentions != 0)
                OR a.status NOT IN ('coded', 'failed')""").fetchall()
        assert bad == []
        # every incident is complete: its counts match its mentions, nothing points nowhere
        bad = connection.execute("""
            SELECT i.id FROM incidents i LEFT JOIN mentions m ON m.incident_id = i.id
            GROUP BY i.id HAVING COUNT(m.id) != i.num_mentions OR COUNT(m.id) = 0""").fetchall()
        assert bad == []
        values = connection.execute("SELECT COUNT(*) FROM incident_values v LEFT JOIN incidents i "
                                    "ON i.id = v.incident_id WHERE i.id IS NULL").fetchone()
        assert values == (0,)
        # the committed run counters agree with what was stored
        stored = connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        counted = connection.execute("SELECT COALESCE(SUM(n_new), 0) FROM runs").fetchone()[0]
        assert stored == counted
        return stored


def articles_stored(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1) as connection:
            return connection.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or being migrated
        return 0


def test_sigkill_at_random_moments_then_rerun_equals_a_clean_run(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus)
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"

    done = run_cli("ingest", str(corpus), "--db", str(clean), "--processor", "fakes:process")
    assert done.returncode == 0, done.stderr.decode()

    rng = random.Random(2024)
    landed = []
    for _ in range(KILLS):
        process = subprocess.Popen(cli_command("ingest", str(corpus), "--db", str(killed), "--processor",
                                               "fakes:process_slow"),
                                   env=cli_env(FAKE_DELAY=DELAY), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        before = articles_stored(killed)
        deadline = time.monotonic() + 60
        while articles_stored(killed) <= before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # wait until this run has committed something
        time.sleep(rng.uniform(0.0, 1.0))
        still_running = process.poll() is None
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        stored = check_consistent(killed)
        landed.append((still_running, stored))
    print(f"\nSIGKILL landed at (still running, articles stored): {landed}")
    assert any(running and 0 < stored < N_ARTICLES for running, stored in landed), landed

    done = run_cli("ingest", str(corpus), "--db", str(killed), "--processor", "fakes:process")
    assert done.returncode == 0, done.stderr.decode()
    check_consistent(killed)
    assert rows(killed) == rows(clean)
    with sqlite3.connect(killed) as connection:
        statuses = [s for (s,) in connection.execute("SELECT status FROM runs ORDER BY started_at")]
    assert statuses[-1] == "finished" and statuses.count("interrupted") + statuses.count("running") >= 1


def test_a_crash_before_the_merge_is_finished_by_the_next_run(tmp_path):
    """Articles stored, merge not run (as if killed between the two): a rerun merges."""
    articles = fakes.synthetic(5, 60)
    with open_store(str(tmp_path / "clean.db")) as clean:
        ingest(clean, articles, process=fakes.process)
    with open_store(str(tmp_path / "crash.db")) as crashed:
        ingest(crashed, articles[:40], process=fakes.process, merge=False)
        assert check_consistent(tmp_path / "crash.db") == 40
        with sqlite3.connect(tmp_path / "crash.db") as connection:
            assert connection.execute("SELECT COUNT(*) FROM incidents").fetchone() == (0,)
        summary = ingest(crashed, articles, process=fakes.process)
        assert summary.unchanged == 40 and summary.new == 20
    assert rows(tmp_path / "crash.db") == rows(tmp_path / "clean.db")


def test_an_exception_inside_a_write_rolls_the_chunk_back(tmp_path, monkeypatch):
    from rokhdad.store import rows as module

    articles = fakes.synthetic(6, 30)
    with open_store(str(tmp_path / "x.db")) as store:
        original = module.Rows.flush
        calls = []

        def failing_flush(self, connection):
            calls.append(1)
            if len(calls) == 3:
                raise OSError("disk full")
            return original(self, connection)

        monkeypatch.setattr(module.Rows, "flush", failing_flush)
        with pytest.raises(OSError):
            ingest(store, articles, process=fakes.process, chunk_articles=10)
        check_consistent(tmp_path / "x.db")
        monkeypatch.setattr(module.Rows, "flush", original)
        ingest(store, articles, process=fakes.process)
        incidents.merge_pending(store)
    with open_store(str(tmp_path / "clean.db")) as clean:
        ingest(clean, articles, process=fakes.process)
    assert rows(tmp_path / "x.db") == rows(tmp_path / "clean.db")

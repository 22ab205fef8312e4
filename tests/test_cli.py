"""Surface tests: every command has help, bad input is one error line, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rokhdad.cli.main import app

SEED_TEXT = "پایگاه عین الاسد روز گذشته با پنج راکت هدف قرار گرفت."


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rokhdad", *args], input=stdin,
                          capture_output=True, timeout=120)


@pytest.mark.parametrize("command", sorted(app.commands))
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert b"Usage" in result.stdout


def test_commands_are_documented_in_readme() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for command in app.commands:
        assert f"rokhdad {command}" in readme, command


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith(b"rokhdad ")


@pytest.mark.parametrize("args, stdin", [
    (("normalize", "/no/such/file"), None),
    (("normalize", "--bogus"), None),
    (("--bogus",), None),
    (("dates", "--published", "2022-13-40", "-"), "سلام".encode()),
    (("dates", "-"), b"\xff\xfe\x00binary"),
    (("extract", "-", "--published", "yesterday"), SEED_TEXT.encode()),
    (("extract", "--format", "xml", "-"), SEED_TEXT.encode()),
    (("entities", "/"), None),
    (("sample", "--id", "nope"), None),
])
def test_bad_input_is_one_error_line(args, stdin) -> None:
    result = run(*args, stdin=stdin)
    assert result.returncode == 1
    err = result.stderr.decode()
    assert "Traceback" not in err
    assert err.startswith("error: ") and err.strip().count("\n") == 0


def test_normalize_is_line_for_line() -> None:
    result = run("normalize", stdin="مي گويند\nكتابها\n".encode())
    assert result.returncode == 0
    assert result.stdout.decode().count("\n") == 2


def test_normalize_judges_the_zwnj_habit_over_the_whole_input() -> None:
    # Line 1 shows a writer who types half-spaces as spaces ("می گویند"), so the space in
    # line 2's "بین المللی" is one too; on its own, line 2 looks like dropped ZWNJs
    # ("نهصدمین") and its space like a real one.
    text = "آنها می گویند که کتاب ها را می خوانند\nنهصدمین کنگره بین المللی\n"
    whole = run("normalize", stdin=text.encode()).stdout.decode().split("\n")
    alone = run("normalize", "--each-line", stdin=text.encode()).stdout.decode().split("\n")
    assert whole[1] == "نهصدمین کنگره بین\u200cالمللی"
    assert alone[1] == "نه\u200cصدمین کنگره بین المللی"
    assert whole[0] == alone[0] == "آنها می\u200cگویند که کتاب\u200cها را می\u200cخوانند"


def test_normalize_keeps_lines_with_carriage_returns() -> None:
    result = run("normalize", stdin="الف\r\nب\rپ\n\nت".encode())
    assert result.stdout.decode() == "الف\nب پ\n\nت\n"


def test_dates_json() -> None:
    result = run("dates", "--published", "2022-01-05", "--json", stdin="روز گذشته و ۱۵ دی ۱۴۰۰".encode())
    rows = json.loads(result.stdout)
    assert {r["value"] for r in rows} == {"2022-01-04", "2022-01-05"}
    text = "روز گذشته و ۱۵ دی ۱۴۰۰"
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)


def test_extract_text_file_and_eval_format(tmp_path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(SEED_TEXT, encoding="utf-8")
    result = run("extract", str(path), "--published", "2022-01-05", "--format", "eval")
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout)
    assert line["doc_id"] == "a"
    (event,) = line["events"]
    assert event["date"] == "2022-01-04" and event["weapon_count"] == 5
    for ev in event["evidence"]:
        assert SEED_TEXT[ev["start"]:ev["end"]] == ev["text"]


def test_extract_jsonl_batch_keeps_going_after_a_bad_line(tmp_path) -> None:
    path = tmp_path / "batch.jsonl"
    good = json.dumps({"id": "g1", "text": SEED_TEXT, "published": "2022-01-05"}, ensure_ascii=False)
    path.write_text("\n".join([good, "{not json", json.dumps({"id": "e", "text": ""}),
                               json.dumps({"id": "d", "text": "سلام", "published": "05/01/2022"}), good]) + "\n",
                    encoding="utf-8")
    result = run("extract", str(path), "--format", "eval")
    assert result.returncode == 1
    assert [json.loads(x)["doc_id"] for x in result.stdout.decode().splitlines()] == ["g1", "g1"]
    failures = [json.loads(x) for x in result.stderr.decode().splitlines() if x.startswith("{")]
    assert [f["error"] for f in failures] == ["ArticleError"] * 3
    assert "Traceback" not in result.stderr.decode()


def test_extract_samples_text() -> None:
    result = run("extract", "--samples", "--format", "text")
    assert result.returncode == 0
    assert "ASSAULT" in result.stdout.decode()

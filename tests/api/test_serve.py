"""'rokhdad serve': a real uvicorn server on a free port, and one-line errors for bad options."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

import re  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import httpx  # noqa: E402


def rokhdad(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rokhdad", *args], capture_output=True, text=True, timeout=60)


def serve_in_process(capsys, *args: str) -> tuple[int, str]:
    """Run ``rokhdad serve ARGS`` through ``main.run`` (for options that fail before serving)."""
    from rokhdad.cli.main import run

    capsys.readouterr()
    try:
        code = run(["serve", *args])
    except SystemExit as exited:  # user_errors() exits 1 after its line
        code = exited.code
    return code, capsys.readouterr().err


def test_serve_answers_over_http(samples_db):
    server = subprocess.Popen([sys.executable, "-m", "rokhdad", "serve", "--db", samples_db, "--port", "0",
                               "--read-only", "--log-level", "warning"],
                              stderr=subprocess.PIPE, text=True)
    try:
        line = server.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, line
        base = f"http://127.0.0.1:{match.group(1)}"
        for _ in range(100):  # the socket is bound before the line is printed; uvicorn starts just after
            try:
                health = httpx.get(f"{base}/health", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health.status_code == 200 and health.json()["read_only"] is True
        page = httpx.get(f"{base}/incidents", params={"limit": 3}, timeout=10).json()
        assert page["total"] > 0 and len(page["items"]) == 3
        missing = httpx.get(f"{base}/incidents/none", timeout=10)
        assert missing.status_code == 404 and missing.json()["error"] == "NotFoundError"
        assert "server" not in missing.headers  # no server banner
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0


def test_serve_help():
    result = rokhdad("serve", "--help")
    assert result.returncode == 0
    for option in ("--db", "--host", "--port", "--read-only", "--token", "--max-body"):
        assert option in result.stdout


@pytest.mark.parametrize("args,words", [
    (["--read-only", "--db", "{tmp}/missing.db"], ["no database"]),
    (["--db", "{tmp}/no/such/dir/x.db"], ["does not exist"]),
    (["--port", "70000"], ["--port"]),
    (["--max-body", "0"], ["--max-body"]),
    (["--host", "no-such-host.invalid", "--db", "{tmp}/x.db"], ["cannot listen"]),
    (["--db", "{tmp}/x.db", "--color"], ["--color"]),
])
def test_serve_bad_options_are_one_line(tmp_path, capsys, args, words):
    code, err = serve_in_process(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    for word in words:
        assert word in lines[0]


def test_serve_port_taken(tmp_path, capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = serve_in_process(capsys, "--db", str(tmp_path / "x.db"), "--port", str(port))
    assert code == 1 and err.startswith(f"error: cannot listen on 127.0.0.1:{port}")
    assert not (tmp_path / "x.db").exists()


def test_serve_empty_token_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ROKHDAD_TOKEN", " ")
    code, err = serve_in_process(capsys, "--db", str(tmp_path / "x.db"))
    assert code == 1 and "token" in err


def test_serve_without_the_extra_says_how_to_install(monkeypatch, tmp_path, capsys):
    from rokhdad.cli.main import run

    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if 'rokhdad[api]' were not installed
    with pytest.raises(SystemExit) as exited:
        run(["serve", "--db", str(tmp_path / "x.db")])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "pip install 'rokhdad[api]'" in err

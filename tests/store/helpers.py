"""Running the ``rokhdad`` command in a subprocess, with the dataset commands registered."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CLI_PRELUDE = ("import sys; from rokhdad.cli.main import app, run; from rokhdad.cli import dataset; "
               "dataset.register(app); sys.exit(run(sys.argv[1:]))")


def cli_command(*args: str) -> list[str]:
    """The ``rokhdad`` command line, with the dataset commands registered even if main.py
    does not register them yet."""
    return [sys.executable, "-c", CLI_PRELUDE, *args]


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


def run_cli(*args: str, input: bytes | None = None, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(cli_command(*args), input=input, capture_output=True, timeout=timeout, env=cli_env(**env))

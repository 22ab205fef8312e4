"""``python -m rokhdad`` runs the CLI."""

from rokhdad.cli.main import main

main()

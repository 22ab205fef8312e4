"""The HTTP API and web page (extra ``api``): ``rokhdad.api.app.create_app``; ``rokhdad serve`` runs it."""

"""A bounded property-based run against /openapi.json: schemathesis generates requests for
every operation (valid and invalid), and no answer may be a 5xx or break its documented schema."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from rokhdad.api.app import create_app  # noqa: E402

MAX_EXAMPLES = 25  # per operation: ~5 s for the whole API on the samples
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


def test_no_server_errors(samples_db):
    app = create_app(samples_db)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    failures: list[str] = []
    for operation in operations:
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case) -> None:
            try:
                case.call_and_validate(checks=CHECKS)
            except Exception as failure:  # noqa: BLE001 - collect them all, report at the end
                failures.append(f"{operation.label}: {case.as_curl_command()}\n{str(failure)[:800]}")

        run()
    assert not failures, "\n\n".join(failures[:5])

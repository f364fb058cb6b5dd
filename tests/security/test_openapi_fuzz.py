"""The JSON API against its own OpenAPI spec, fuzzed with schemathesis on the real loopback
server (cookie and CSRF header sent, as the page would): no 500s, answers match the spec."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.openapi import from_dict

from pushpull.store import Store, import_file
from pushpull.web import RunningServer, cookie_name, csrf_token, start_server

#: Generated requests per operation: enough to vary every parameter, bounded in time.
MAX_EXAMPLES = 100


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory, sam_export: Path) -> Iterator[RunningServer]:
    """The server over a store holding one analysed conversation (id 1, Alex is me)."""
    home = tmp_path_factory.mktemp("fuzz-home")
    with Store(home) as store:
        import_file(store, sam_export, me="Alex")
    server = start_server(home)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def api_schema(running: RunningServer) -> schemathesis.BaseSchema:
    spec = httpx.get(
        running.base_url + "/api/openapi.json", cookies={cookie_name(running.token): running.token}
    )
    assert spec.status_code == 200
    return from_dict(spec.json())


@pytest.fixture(scope="module")
def sam_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pushpull.synth import generate, render, write

    chat = generate("hot_cold", seed=5, days=60, n_cycles=2, me="Alex", partner="Sam")
    return write(render(chat, "whatsapp"), tmp_path_factory.mktemp("fuzz-export"))


def test_the_spec_lists_the_json_endpoints_only(api_schema: schemathesis.BaseSchema) -> None:
    paths = set(api_schema.raw_schema["paths"])
    assert paths == {"/api/conversations", "/api/analysis/{conv_id}"}


def test_the_api_needs_the_cookie(running: RunningServer) -> None:
    for path in ("/api/openapi.json", "/api/conversations", "/api/analysis/1"):
        assert httpx.get(running.base_url + path).status_code == 403


def test_the_analysis_endpoint_returns_the_analysis(running: RunningServer) -> None:
    cookies = {cookie_name(running.token): running.token}
    listed = httpx.get(running.base_url + "/api/conversations", cookies=cookies).json()
    assert [c["name"] for c in listed] == ["Sam"] and listed[0]["me"] == "Alex"
    analysis = httpx.get(running.base_url + "/api/analysis/1", cookies=cookies).json()
    assert analysis["me"] == "Alex" and analysis["partner"] == "Sam"
    missing = httpx.get(running.base_url + "/api/analysis/99", cookies=cookies)
    assert missing.status_code == 404 and missing.json()["title"]


def test_no_request_makes_the_server_fail(
    api_schema: schemathesis.BaseSchema, running: RunningServer
) -> None:
    # one Hypothesis run per operation (schemathesis' lazy pytest loader predates pytest 9)
    cookies = {cookie_name(running.token): running.token}
    headers = {"X-CSRF-Token": csrf_token(running.token)}
    # For the analysis only: a well-formed date range may hold too few messages to analyse, a
    # documented 400 that is the user's to fix. Every other check (no 500s first, responses
    # conform to the schema), and every check of the other endpoint, stays on.
    excluded = [schemathesis.checks.positive_data_acceptance]
    n_operations = 0
    for found in api_schema.get_all_operations():
        operation = found.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=running.base_url,
                cookies=cookies,
                headers=headers,
                excluded_checks=excluded if case.path.startswith("/api/analysis/") else None,
            )

        call()
        n_operations += 1
    assert n_operations == 2

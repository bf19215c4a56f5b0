"""Schemathesis over the OpenAPI document, with a real token, against a real server: no 5xx, and no answer that
the document does not describe (status, body schema, headers, Allow).

A live server (tests/support/live.py), on SQLite or PostgreSQL like the rest of the suite, not the in-process
app: schemathesis calls synchronously from its own thread, while the in-process app's writer, rooms and NiceGUI
live on the test's event loop; the subprocess is also the server as it really runs (uvicorn's parsing, every
middleware). One server serves the whole module, so the run stays bounded: a few cases per operation, a few
hundred in all.
"""
import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode, checks
from schemathesis.core.result import Err

from tests.conftest import POSTGRES_URL
from tests.support.helpers import token_from
from tests.support.live import LiveServer, live_server, sibling_database
from tests.support.mailbox import Mailbox

CASES_PER_OPERATION = 4
TRANSPORT_HEADERS = {'transfer-encoding', 'content-length', 'connection', 'host', 'te', 'upgrade', 'expect'}
REQUEST_TIMEOUT_S = 60  # schemathesis waits 10 s by default; a loaded CI machine may take longer
# the account must outlive the run; deleting it is tested in tests/api/test_api_auth.py
SKIPPED = {('DELETE', '/api/user/me')}
# a token's validity is no schema's business: a made-up one is refused (400 tampered, as API.md says)
REFERENCES = {'category_id', 'bag_id', 'traveler_id'}
TOKEN_TAKING = {('POST', '/api/invitations/accept')}


@pytest.fixture(scope='module')
def running(tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox) -> Iterator[LiveServer]:
    data = tmp_path_factory.mktemp('schemathesis')
    with own_database(f'sqlite:///{data / "travelpack.db"}') as database_url:
        env = {'TRAVELPACK_DATABASE_URL': database_url, 'TRAVELPACK_SMTP_HOST': '127.0.0.1',
               'TRAVELPACK_SMTP_PORT': str(mailbox.port), 'TRAVELPACK_SMTP_STARTTLS': 'false'}
        with live_server(data, env=env) as server:
            yield server


@contextmanager
def own_database(sqlite_url: str) -> Iterator[str]:
    """The module's own database: SQLite, or a fresh PostgreSQL database when the suite runs against PostgreSQL
    (the per-test database of conftest.py is reset under every test, this server outlives them)."""
    if not POSTGRES_URL:
        yield sqlite_url
        return
    with sibling_database(POSTGRES_URL) as url:
        yield url


@pytest.fixture(scope='module')
def session(running: LiveServer, mailbox: Mailbox) -> dict[str, str]:
    """Ana's bearer header (a real JWT from a mailed link) and one list of hers the cases may aim at."""
    base = f'http://127.0.0.1:{running.port}'
    email = 'schemathesis@example.com'
    assert httpx.post(f'{base}/api/auth/magic-link', json={'email': email}).status_code == 202
    link = asyncio.run(mailbox.link_for(email, containing='/auth/magic'))
    token = httpx.post(f'{base}/api/auth/token', json={'token': token_from(link)}).json()['access_token']
    headers = {'Authorization': f'Bearer {token}'}
    plist = httpx.post(f'{base}/api/packing-lists', json={'name': 'Fuzzed'}, headers=headers).json()
    return {**headers, 'list_id': plist['id']}


def grounded(case: schemathesis.Case, list_id: str) -> None:
    """Aim some cases at a real list (past the 404, into its rules) and keep to the rules no JSON schema can say:
    which ids exist (a made-up category or muted list is refused with 422, as in a form) and dates in order."""
    for name in [name for name in case.headers or {} if name.lower() in TRANSPORT_HEADERS]:
        del case.headers[name]  # the HTTP server's own (uvicorn answers a malformed one before the app is asked)
    if case.path_parameters and str(case.path_parameters.get('list_id', '')).isalnum():
        case.path_parameters['list_id'] = list_id
    if isinstance(case.body, dict):
        for reference in REFERENCES & set(case.body):
            case.body[reference] = None
        if 'muted_lists' in case.body:  # which lists are the caller's is no schema's business either
            case.body['muted_lists'] = []
        start, end = case.body.get('start_date'), case.body.get('end_date')
        if isinstance(start, str) and isinstance(end, str) and end < start:  # a rule across fields, not a schema's
            case.body['start_date'], case.body['end_date'] = end, start


def test_the_api_does_what_its_document_says(running: LiveServer, session: dict[str, str]) -> None:
    """Every operation, positive and negative cases: a failure is collected, not shrunk (the run stays bounded)."""
    api = schemathesis.openapi.from_url(f'http://127.0.0.1:{running.port}/openapi.json')
    auth = {'Authorization': session['Authorization']}
    failures: list[str] = []
    cases = 0
    for result in api.get_all_operations():
        if isinstance(result, Err):
            failures.append(f'an operation the document cannot describe: {result.err()}')
            continue
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=CASES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                      phases=[Phase.generate], suppress_health_check=list(HealthCheck))
            def check(case: schemathesis.Case) -> None:
                nonlocal cases
                cases += 1
                grounded(case, session['list_id'])
                excluded = [checks.positive_data_acceptance] if (case.method, case.path) in TOKEN_TAKING else []
                case.call_and_validate(headers=auth, excluded_checks=excluded, timeout=REQUEST_TIMEOUT_S)
            try:
                check()
            except (Exception, BaseExceptionGroup) as failure:  # every operation's failures are reported together
                failures.append(f'{operation.method.upper()} {operation.path} ({mode.value}): {failure}')
    assert cases >= 200, cases  # a few hundred in all (384 with 4 per operation and mode)
    assert not failures, '\n\n'.join(failures)

"""Reading a real-time API frame: what closes the socket with which code, and what counts as a lone surrogate."""
import json

import pytest

from travelpack_ui.api.ws_frames import MAX_DEPTH, MAX_MESSAGE_BYTES, BadFrame, check_size, has_lone_surrogate, parse
from travelpack_ui.auth.credentials import Credential, CredentialEnded


@pytest.mark.parametrize('frame', ['{not json', '[' * 10_000 + ']' * 10_000, '[' * 50_000, '', b'\xff'])
def test_what_is_not_json_closes_with_4400(frame: str | bytes) -> None:
    with pytest.raises(BadFrame) as bad:
        parse(frame if isinstance(frame, str) else None, frame if isinstance(frame, bytes) else None)
    assert bad.value.code == 4400


def test_nesting_is_allowed_up_to_the_limit_and_no_further() -> None:
    assert parse('[' * MAX_DEPTH + ']' * MAX_DEPTH, None) is not None
    with pytest.raises(BadFrame) as bad:
        parse('[' * (MAX_DEPTH + 1) + ']' * (MAX_DEPTH + 1), None)
    assert bad.value.code == 4400 and bad.value.reason == 'nested too deep'


def test_size_counts_utf8_bytes_and_a_lone_surrogate_does_not_break_the_count() -> None:
    check_size('x' * MAX_MESSAGE_BYTES, None)
    for text in ('é' * (MAX_MESSAGE_BYTES // 2 + 1), '\ud800' * MAX_MESSAGE_BYTES):
        with pytest.raises(BadFrame) as bad:
            check_size(text, None)
        assert bad.value.code == 4413


def test_a_lone_surrogate_is_found_in_values_and_keys_at_any_depth() -> None:
    assert not has_lone_surrogate(json.loads('{"name": "Zürich 🧳", "n": [1, true, null]}'))
    assert has_lone_surrogate(json.loads('{"fields": {"name": "\\ud800x"}}'))
    assert has_lone_surrogate(json.loads('[[{"\\udfff": 1}]]'))


def test_a_credential_ends_with_its_own_token_or_with_its_account() -> None:
    script = Credential('ana', token_id='t1')
    browser_app = Credential('ana', expires_at=1.0)
    assert script.ended_by(CredentialEnded('ana', 't1')) and not browser_app.ended_by(CredentialEnded('ana', 't1'))
    assert script.ended_by(CredentialEnded('ana')) and browser_app.ended_by(CredentialEnded('ana'))
    assert not script.ended_by(CredentialEnded('ben'))

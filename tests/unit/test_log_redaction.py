"""Secrets in URLs never reach a log line: sign-in tokens, link tokens, and the ids that let a socket act as a page."""
from travelpack_ui.core.logs import redact


def test_nicegui_socket_urls_lose_their_page_and_session_ids() -> None:
    line = ('127.0.0.1:5 - "WebSocket /socket.io/?client_id=c1a2&next_message_id=0&implicit_handshake=true'
            '&document_id=d0c&tab_id=7ab&old_tab_id=01d&EIO=4&transport=polling&sid=S1D" [accepted]')
    cleaned = redact(line)
    assert not any(secret in cleaned for secret in ('c1a2', 'd0c', '7ab', '01d', 'S1D'))
    assert 'client_id=[redacted]&' in cleaned and 'implicit_handshake=true' in cleaned and 'EIO=4' in cleaned


def test_tokens_and_link_paths_are_redacted_and_ordinary_parameters_kept() -> None:
    cleaned = redact('GET /auth/magic?token=abc&next=/lists/1 /invite/inv0 /share/sh4 /api/x?refresh_token=r3f')
    assert not any(secret in cleaned for secret in ('abc', 'inv0', 'sh4', 'r3f'))
    assert 'next=/lists/1' in cleaned

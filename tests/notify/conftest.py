"""Mail for people who are away, with small delays so a story takes a second, not fifteen minutes."""
import pytest


@pytest.fixture(autouse=True)
def quick_mail(monkeypatch: pytest.MonkeyPatch) -> None:
    """The scheduler wakes every 0.1 s, a list is quiet after 0.3 s; one digest per person and list per hour."""
    monkeypatch.setenv('TRAVELPACK_SCHEDULER_INTERVAL_S', '0.1')
    monkeypatch.setenv('TRAVELPACK_DIGEST_DELAY_S', '0.3')
    monkeypatch.setenv('TRAVELPACK_DIGEST_MIN_INTERVAL_S', '3600')
    monkeypatch.setenv('TRAVELPACK_MAIL_RETRY_S', '0.05')

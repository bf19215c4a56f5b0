"""One settings object, read from TRAVELPACK_* environment variables (and an optional `.env`)."""
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from models import ITEMS_PER_LIST_MAX

LOOPBACK_HOSTS = ('localhost', '127.0.0.1', '[::1]')


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix='TRAVELPACK_', env_file='.env', extra='ignore')

    host: str = '127.0.0.1'
    port: int = 8080
    base_url: str = 'http://localhost:8080'
    allowed_origins: str = ''
    data_dir: Path = Path('./data')
    database_url: str = ''
    secret_key: str = ''
    secret_key_fallbacks: str = ''

    smtp_host: str = ''
    smtp_port: int = 587
    smtp_username: str = ''
    smtp_password: str = ''
    smtp_starttls: bool = True
    smtp_timeout: float = 10.0
    mail_from: str = 'TravelPack <no-reply@localhost>'

    access_token_minutes: int = 15
    refresh_token_days: int = 30
    magic_link_minutes: int = 15
    invitation_days: int = 7
    magic_link_email_limit: int = 5
    magic_link_email_window_s: int = 900
    magic_link_ip_limit: int = 200
    magic_link_ip_window_s: int = 600
    invite_limit: int = 50
    invite_window_s: int = 3600
    invite_recipient_limit: int = 5
    invite_recipient_window_s: int = 3600
    ws_burst: int = 50
    ws_rate_per_s: float = 20.0
    reconnect_timeout_s: float = 60.0
    heartbeat_s: float = 5.0
    bin_days: int = 30
    burst_window_s: float = Field(default=0.25, description='while a burst lasts, tabs get one push per window')
    presence_interval_s: float = Field(default=0.5, description='at most one presence message per window')
    digest_delay_s: float = Field(default=900.0, ge=0, description='a digest waits until the list was quiet this long')
    digest_min_interval_s: float = Field(default=21600.0, ge=0, description='at most one digest per person and list')
    reminder_days: int = Field(default=2, ge=0, description='departure reminders this many days before the start')
    scheduler_interval_s: float = Field(default=30.0, gt=0, description='how often due mails are looked for')
    mail_retry_s: float = Field(default=30.0, gt=0, description='first retry of a failed mail; doubles each time')
    mail_attempts: int = Field(default=4, ge=1, description='a mail is "failed" after this many tries')
    items_per_list_max: int = Field(default=ITEMS_PER_LIST_MAX, ge=1, description="the contract's item limit")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f'sqlite:///{(self.data_dir / "travelpack.db").as_posix()}'

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith('https://')

    @property
    def origins(self) -> set[str]:
        """Browser origins allowed to talk to us: the base URL's (all loopback spellings of it) and extras."""
        parts = urlsplit(self.base_url)
        origin = f'{parts.scheme}://{parts.netloc}'
        allowed = {origin}
        host = parts.hostname or ''
        if host in ('localhost', '127.0.0.1', '::1'):
            port = f':{parts.port}' if parts.port else ''
            allowed |= {f'{parts.scheme}://{h}{port}' for h in LOOPBACK_HOSTS}
        allowed |= {o.strip().rstrip('/') for o in self.allowed_origins.split(',') if o.strip()}
        return allowed

    def signing_keys(self) -> list[str]:
        """The current secret first, then older ones still accepted for verification."""
        return [self.secret(), *[k.strip() for k in self.secret_key_fallbacks.split(',') if k.strip()]]

    def secret(self) -> str:
        """The secret key: from the environment, else generated once and kept in the data dir (mode 0600)."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / 'secret.key'
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it first: read theirs
            else:
                with os.fdopen(fd, 'w', encoding='utf-8') as file:
                    file.write(secrets.token_urlsafe(48))
        self.secret_key = path.read_text(encoding='utf-8').strip()
        return self.secret_key

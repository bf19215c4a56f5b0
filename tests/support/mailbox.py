"""A real SMTP server (aiosmtpd on loopback) whose received mails tests can read."""
import asyncio
import re
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

LINK = re.compile(r'https?://[^\s"<>]+')


class Mailbox:
    """Collects every mail the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.controller: Controller | None = None
        self.port = _free_port()

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                policy=policy.default))  # type: ignore[arg-type]
        return '250 Message accepted for delivery'

    def start(self) -> None:
        self.controller = Controller(self, hostname='127.0.0.1', port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m['To']).lower()]

    async def wait_for(self, address: str, *, count: int = 1, timeout: float = 10.0) -> EmailMessage:
        """The `count`-th mail to `address`, waiting for it to arrive."""
        for _ in range(int(timeout / 0.05)):
            found = self.to(address)
            if len(found) >= count:
                return found[count - 1]
            await asyncio.sleep(0.05)
        raise AssertionError(f'no mail #{count} to {address} within {timeout} s; got {len(self.to(address))}')

    async def link_for(self, address: str, *, count: int = 1, containing: str = '') -> str:
        mail = await self.wait_for(address, count=count)
        body = mail.get_body(preferencelist=('plain',))
        assert body is not None
        links = [link for link in LINK.findall(body.get_content()) if containing in link]
        assert links, f'no link containing {containing!r} in the mail to {address}'
        return links[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]

"""A real SMTP server (aiosmtpd on loopback) whose received mails tests can read."""
import re
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.live import free_port
from tests.support.waiting import eventually

LINK = re.compile(r'https?://[^\s"<>]+')


class Mailbox:
    """Collects every mail the SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.controller: Controller | None = None
        self.port = free_port()

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content,
                                                policy=policy.default))
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
        await eventually(lambda: len(self.to(address)) >= count, timeout, message=f'no mail #{count} to {address} '
                         f'within {timeout} s; got {len(self.to(address))}')
        return self.to(address)[count - 1]

    async def link_for(self, address: str, *, count: int = 1, containing: str = '') -> str:
        mail = await self.wait_for(address, count=count)
        body = mail.get_body(preferencelist=('plain',))
        assert body is not None
        links = [link for link in LINK.findall(body.get_content()) if containing in link]
        assert links, f'no link containing {containing!r} in the mail to {address}'
        return links[0]


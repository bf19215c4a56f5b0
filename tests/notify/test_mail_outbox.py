"""The outbox survives SMTP trouble and crashes: retries with backoff end in "failed", and a mail whose sender died
mid-send goes out once more with the same Message-ID, never twice more."""
from datetime import timedelta

from sqlmodel import select

from models import MailOutbox, utcnow
from tests.support.helpers import services
from tests.support.live import free_port
from tests.support.mailbox import Mailbox
from tests.support.waiting import eventually
from travelpack_ui.core.mailer import Mail, Mailer
from travelpack_ui.notify.outbox import Outbox, outbox_row


async def queue(mail: Mail) -> int:
    def work(session) -> int:
        row = outbox_row(mail, 'digest')
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id
    return await services().writer.run(work)


def row(row_id: int) -> MailOutbox:
    with services().db.read() as session:
        found = session.get(MailOutbox, row_id)
    assert found is not None
    return found


async def test_smtp_down_retries_with_backoff_then_fails(user, mailbox: Mailbox) -> None:
    settings = services().settings.model_copy(update={'smtp_port': free_port(), 'mail_attempts': 3})
    down = Outbox(settings, services().writer, Mailer(settings))
    await services().notify.halt()  # only the outbox under test drains
    row_id = await queue(Mail(to='ana@example.com', subject='Hello', text='Hi'))

    await down.drain()
    first = row(row_id)
    assert (first.status, first.attempts) == ('pending', 1) and first.last_error
    assert first.next_attempt_at > first.created_at  # it waits before trying again

    async def failed() -> bool:
        await down.drain()
        return row(row_id).status == 'failed'
    await eventually(failed, message='the mail never ended in "failed"')
    assert row(row_id).attempts == 3
    await down.drain()
    assert row(row_id).attempts == 3 and mailbox.to('ana@example.com') == []  # no more tries


async def test_a_crash_mid_send_resends_once_with_the_same_message_id(user, mailbox: Mailbox) -> None:
    await services().notify.halt()
    outbox = services().notify.outbox
    row_id = await queue(Mail(to='ben@example.com', subject='Digest', text='changes'))

    async def crash_while_sending() -> None:
        """What a process that died in the middle of the SMTP exchange leaves behind: a claim whose lease ran out."""
        def work(session) -> None:
            found = session.get(MailOutbox, row_id)
            found.status, found.claimed_by, found.claimed_until = 'sending', 'dead-process', utcnow() - timedelta(1)
            session.add(found)
        await services().writer.run(work)

    await crash_while_sending()
    await outbox.drain()
    [mail] = await eventually(lambda: mailbox.to('ben@example.com'))
    assert mail['Message-ID'] == row(row_id).message_id and row(row_id).status == 'sent'

    await crash_while_sending()  # the resent one was interrupted too: give up rather than mail again and again
    await outbox.drain()
    assert row(row_id).status == 'failed' and len(mailbox.to('ben@example.com')) == 1


async def test_a_live_claim_is_not_taken_over(user, mailbox: Mailbox) -> None:
    await services().notify.halt()
    row_id = await queue(Mail(to='carl@example.com', subject='Digest', text='changes'))

    def claimed_by_another_process(session) -> None:
        found = session.get(MailOutbox, row_id)
        found.status, found.claimed_by, found.claimed_until = 'sending', 'other', utcnow() + timedelta(minutes=5)
        session.add(found)
    await services().writer.run(claimed_by_another_process)
    assert await services().notify.outbox.drain() == 0
    with services().db.read() as session:
        assert session.exec(select(MailOutbox.status)).all() == ['sending']

"""A digest survives a crash of the server: the process that saw the change is killed before the list went quiet,
the restarted one mails the digest, once."""
import httpx

from tests.support.helpers import api_sign_in, create_list
from tests.support.live import live_server
from tests.support.mailbox import Mailbox
from tests.support.sharing import join
from tests.support.waiting import eventually


def env(database_url: str, mailbox: Mailbox, delay_s: str) -> dict[str, str]:
    return {'TRAVELPACK_DATABASE_URL': database_url, 'TRAVELPACK_SMTP_HOST': '127.0.0.1',
            'TRAVELPACK_SMTP_PORT': str(mailbox.port), 'TRAVELPACK_SMTP_STARTTLS': 'false',
            'TRAVELPACK_SCHEDULER_INTERVAL_S': '0.2', 'TRAVELPACK_DIGEST_DELAY_S': delay_s,
            'TRAVELPACK_BASE_URL': 'http://travelpack.test'}


def digests_to(mailbox: Mailbox, address: str) -> list:
    return [m for m in mailbox.to(address) if 'List-Unsubscribe' in m]


async def test_a_digest_due_at_a_crash_goes_out_once_after_the_restart(tmp_path, database_url: str,
                                                                       mailbox: Mailbox) -> None:
    data = tmp_path / 'live'
    with live_server(data, env=env(database_url, mailbox, '3600')) as first:  # never quiet while it runs
        async with httpx.AsyncClient(base_url=f'http://127.0.0.1:{first.port}') as client:
            ana = await api_sign_in(client, mailbox, 'ana@example.com')
            ben = await api_sign_in(client, mailbox, 'ben@example.com')
            plist = await create_list(client, ana, 'Lisbon')
            await join(client, ana, plist['id'], ben, 'editor')
            added = await client.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Sunscreen'},
                                      headers=ben)
            assert added.status_code == 201
        first.process.kill()  # no shutdown: what a crash leaves
        first.process.wait()

    with live_server(data, env=env(database_url, mailbox, '0.5')) as second:
        [digest] = await eventually(lambda: digests_to(mailbox, 'ana@example.com'), timeout=30)
        assert 'ben added Sunscreen' in digest.get_body(preferencelist=('plain',)).get_content()
        assert f'http://travelpack.test/lists/{plist["id"]}' in digest.get_body(('plain',)).get_content()
        async with httpx.AsyncClient(base_url=f'http://127.0.0.1:{second.port}') as client:
            more = await client.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Hat'}, headers=ana)
            assert more.status_code == 201  # Ana's own change: a pass that mails Ben, and nothing more to Ana
        await eventually(lambda: digests_to(mailbox, 'ben@example.com'), timeout=30)
    assert len(digests_to(mailbox, 'ana@example.com')) == 1

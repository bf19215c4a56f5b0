"""A tab that goes silent (its network died, its laptop slept) leaves "who is here" within two heartbeats."""
import time
from pathlib import Path

from playwright.async_api import Browser, expect

from tests.support.browser import here, two_people_on_a_list
from tests.support.live import live_server
from tests.support.mailbox import Mailbox

HEARTBEAT_S = 1.5
SLACK_S = 2.0  # presence is coalesced (0.5 s) and the page has to render the change


async def test_a_silent_tab_leaves_presence_within_two_heartbeats(browser: Browser, tmp_path: Path,
                                                                  database_url: str, mailbox: Mailbox) -> None:
    env = {'TRAVELPACK_DATABASE_URL': database_url, 'TRAVELPACK_SMTP_HOST': '127.0.0.1',
           'TRAVELPACK_SMTP_PORT': str(mailbox.port), 'TRAVELPACK_SMTP_STARTTLS': 'false',
           'TRAVELPACK_HEARTBEAT_S': str(HEARTBEAT_S)}
    with live_server(tmp_path / 'live', env=env) as server:
        people = await two_people_on_a_list(browser, server, mailbox, list_name='Ski', item_name='Goggles')
        ben_here = here(people.ana).get_by_role('img', name='ben', exact=True)
        await expect(ben_here).to_be_visible()

        # Ben's page stops running: its socket stays open but no longer answers the server's pings, as when the
        # network silently dies. Closing the tab would say goodbye; this must be noticed by the heartbeat alone.
        debugger = await people.ben_context.new_cdp_session(people.ben)
        await debugger.send('Debugger.enable')
        await debugger.send('Debugger.pause')
        silent_since = time.monotonic()
        await expect(ben_here).to_have_count(0, timeout=(2 * HEARTBEAT_S + SLACK_S + 5) * 1000)
        noticed_after = time.monotonic() - silent_since
        assert noticed_after <= 2 * HEARTBEAT_S + SLACK_S, f'noticed after {noticed_after:.1f} s'
        await debugger.send('Debugger.resume')
        await people.close()

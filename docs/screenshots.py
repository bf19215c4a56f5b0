"""Take the README's screenshots of the list page: two people on one list, one of them editing an item.

    .venv/bin/python docs/screenshots.py              # writes docs/list-page.png and docs/list-page-phone.png
    .venv/bin/python docs/screenshots.py --out /tmp   # somewhere else (before/after comparisons)

A real server, a real mail server for the sign-in links and Debian's Chromium, so that the pictures show what a
person sees.
"""
import argparse
import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

import httpx
from playwright.async_api import Page, async_playwright, expect

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser.conftest import CHROMIUM_ARGS
from tests.support.browser import sign_in
from tests.support.helpers import api_sign_in
from tests.support.live import live_server
from tests.support.mailbox import Mailbox
from tests.support.sharing import join

SIZES = {'list-page.png': (1200, 980), 'list-page-phone.png': (375, 740)}
ITEMS = [  # name, category, bag, traveler, quantity, grams, packed
    ('Passport', 'Essentials', 'Blue backpack', 'Ana', 1, 50, True),
    ('Phone charger', 'Essentials', 'Blue backpack', 'Ben', 2, 80, True),
    ('T-shirt', 'Clothes', 'Red suitcase', 'Ben', 4, 150, True),
    ('Swimsuit', 'Clothes', 'Red suitcase', 'Ana', 1, 100, True),
    ('Sandals', 'Clothes', None, None, 2, 400, False),
    ('Sunscreen SPF 50', 'Toiletries', 'Red suitcase', None, 1, 200, False),
    ('Toothbrush', 'Toiletries', 'Red suitcase', 'Ana', 2, 20, False),
    ('Travel guide', None, None, None, 1, 300, False),
]


async def main(out: Path) -> None:
    mailbox = Mailbox()
    mailbox.start()
    data_dir = Path(tempfile.mkdtemp(prefix='tp-shots-'))
    env = {'TRAVELPACK_DATABASE_URL': f'sqlite:///{data_dir / "shots.db"}', 'TRAVELPACK_SMTP_HOST': '127.0.0.1',
           'TRAVELPACK_SMTP_PORT': str(mailbox.port), 'TRAVELPACK_SMTP_STARTTLS': 'false'}
    try:
        with live_server(data_dir / 'live', env=env) as server:
            list_id = await make_list(server.base_url, mailbox)
            await shoot(server.base_url, mailbox, list_id, out)
    finally:
        mailbox.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


async def make_list(base_url: str, mailbox: Mailbox) -> str:
    async with httpx.AsyncClient(base_url=base_url) as api:
        ana = await api_sign_in(api, mailbox, 'ana@example.com')
        ben = await api_sign_in(api, mailbox, 'ben@example.com')
        await api.patch('/api/user/me', json={'display_name': 'Ana Lima'}, headers=ana)
        await api.patch('/api/user/me', json={'display_name': 'Ben Ortiz'}, headers=ben)
        plist = (await api.post('/api/packing-lists', json={
            'name': 'Lisbon in July', 'destination': 'Lisbon, Portugal', 'start_date': '2027-07-03',
            'end_date': '2027-07-12'}, headers=ana)).json()
        base = f'/api/packing-lists/{plist["id"]}'
        ids: dict[str, str] = {}
        for kind, names in (('categories', ('Essentials', 'Clothes', 'Toiletries')),
                            ('bags', ('Blue backpack', 'Red suitcase')), ('travelers', ('Ana', 'Ben'))):
            for name in names:
                ids[name] = (await api.post(f'{base}/{kind}', json={'name': name}, headers=ana)).json()['id']
        for name, category, bag, traveler, quantity, grams, packed in ITEMS:
            body = {'name': name, 'quantity': quantity, 'weight_grams': grams, 'packed': packed,
                    'category_id': ids.get(category or ''), 'bag_id': ids.get(bag or ''),
                    'traveler_id': ids.get(traveler or '')}
            await api.post(f'{base}/items', json={k: v for k, v in body.items() if v is not None}, headers=ana)
        await join(api, ana, plist['id'], ben, 'editor')
        return plist['id']


async def shoot(base_url: str, mailbox: Mailbox, list_id: str, out: Path) -> None:
    executable = shutil.which('chromium') or shutil.which('chromium-browser')
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        ben_context = await browser.new_context()
        ben = await ben_context.new_page()
        await sign_in(ben, base_url, mailbox, 'ben@example.com')
        await ben.goto(f'{base_url}/lists/{list_id}')
        await ben.get_by_role('button', name='Got it').click()
        await ben.get_by_label('Quantity of Sunscreen SPF 50').focus()  # Ben is editing: Ana sees his mark
        for file, (width, height) in SIZES.items():
            context = await browser.new_context(viewport={'width': width, 'height': height})
            page = await context.new_page()
            await sign_in(page, base_url, mailbox, 'ana@example.com')
            await page.goto(f'{base_url}/lists/{list_id}')
            await settled(page)
            await page.screenshot(path=str(out / file))
            await context.close()
        await browser.close()


async def settled(page: Page) -> None:
    await expect(page.get_by_role('img', name='Ben Ortiz is editing')).to_be_visible()
    await expect(page.get_by_test_id('presence').get_by_role('img')).to_have_count(2)
    await page.mouse.move(0, 0)
    await page.evaluate('document.fonts.ready')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--out', type=Path, default=Path(__file__).resolve().parent)
    asyncio.run(main(parser.parse_args().out))

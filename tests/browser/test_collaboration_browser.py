"""Two people in two browsers on one list: each sees the other here, the other's focus, the other's edits."""
from playwright.async_api import Browser, Locator, Page, expect

from tests.browser.conftest import two_people_on_a_list
from tests.mailbox import Mailbox


async def test_two_people_see_each_other_focus_and_edits(browser: Browser, server, mailbox: Mailbox) -> None:
    people = await two_people_on_a_list(browser, server, mailbox, list_name='Family trip', item_name='Tent')
    ana, ben = people.ana, people.ben
    await expect(ben.get_by_text('Welcome to')).to_be_visible()  # ben's first visit to a list shared with him
    await ben.get_by_role('button', name='Got it').click()
    await expect(here(ana).get_by_role('img', name='ben', exact=True)).to_be_visible()
    await expect(here(ben).get_by_role('img', name='ana', exact=True)).to_be_visible()

    await ben.get_by_label('Quantity of Tent').focus()
    await expect(ana.get_by_role('img', name='ben is editing')).to_be_visible()
    await ben.get_by_label('Quantity of Tent').fill('3')
    await ben.get_by_label('Quantity of Tent').press('Enter')
    await expect(ana.get_by_label('Quantity of Tent')).to_have_value('3')
    await ben.get_by_label('Add item').focus()  # leaving the item takes the mark away
    await expect(ana.get_by_role('img', name='ben is editing')).to_have_count(0)

    await ana.get_by_role('checkbox', name='Tent').check()
    await expect(ben.get_by_role('checkbox', name='Tent')).to_be_checked()

    await people.ben_context.close()  # ben leaves: his avatar goes within a few seconds
    await expect(here(ana).get_by_role('img', name='ben', exact=True)).to_have_count(0, timeout=15_000)
    await people.ana_context.close()


def here(page: Page) -> Locator:
    """The header's "who is here" avatars."""
    return page.get_by_test_id('presence')

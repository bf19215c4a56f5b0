"""Travelers tied to people, in Chromium: a member is offered as a traveler by name, and "Mine" shows my items."""
from playwright.async_api import Browser, expect

from tests.support.browser import two_people_on_a_list
from tests.support.mailbox import Mailbox


async def test_a_member_becomes_a_traveler_and_mine_shows_their_items(browser: Browser, server,
                                                                      mailbox: Mailbox) -> None:
    people = await two_people_on_a_list(browser, server, mailbox, list_name='Lisbon trip', item_name='Sunscreen')
    ana, ben = people.ana, people.ben
    try:
        await ana.get_by_label('Add item').fill('Hat')
        await ana.get_by_label('Add item').press('Enter')
        await ana.get_by_text('Organise categories, bags and travelers').click()
        await ana.get_by_role('button', name='Add ben as a traveler').click()
        await expect(ana.get_by_label('Rename traveler ben')).to_be_visible()
        await expect(ana.get_by_label('Who ben is').locator('option:checked')).to_have_text('ben')
        await expect(ana.get_by_role('button', name='Add ben as a traveler')).to_have_count(0)
        await ana.get_by_label('Traveler for Sunscreen').select_option(label='ben')

        await expect(ben.get_by_role('checkbox', name='Hat')).to_be_visible()
        await ben.get_by_label('Filter by traveler').select_option(label='Mine')
        await expect(ben.get_by_test_id('item-row')).to_have_count(1)
        await expect(ben.get_by_role('checkbox', name='Sunscreen')).to_be_visible()

        await ana.get_by_label('Who ben is').select_option(label='Not linked')  # no longer ben's items
        await expect(ben.get_by_test_id('no-match')).to_be_visible()
    finally:
        await people.close()


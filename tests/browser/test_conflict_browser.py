"""Offline edits that meet someone else's: last writer wins, and both people are told in words, with a way back."""
from playwright.async_api import Browser, expect

from tests.support.browser import two_people_on_a_list
from tests.support.mailbox import Mailbox


async def test_an_offline_edit_replaces_a_value_and_both_people_are_told(browser: Browser, server,
                                                                          mailbox: Mailbox) -> None:
    people = await two_people_on_a_list(browser, server, mailbox, list_name='Beach', item_name='Towel')
    ana, ben = people.ana, people.ben
    await ben.get_by_role('button', name='Got it').click()  # the first-visit welcome
    await expect(ben.get_by_label('Quantity of Towel')).to_have_value('1')

    await people.ben_context.set_offline(True)  # a train with no signal
    await ben.evaluate('window.socket.io.engine.close()')  # the socket notices at once instead of after its ping
    await ben.get_by_label('Quantity of Towel').fill('3')
    await ben.get_by_label('Quantity of Towel').press('Enter')
    await expect(ben.get_by_label('Quantity of Towel')).to_have_value('3')  # shown at once, queued

    await ana.get_by_label('Quantity of Towel').fill('4')
    await ana.get_by_label('Quantity of Towel').press('Enter')
    await expect(ana.get_by_test_id('item-row').first).not_to_have_attribute('data-pending', 'true')

    await people.ben_context.set_offline(False)  # back online: the queued edit is sent and wins, and both are told
    await expect(ben.get_by_text("You replaced ana's 4 — use ana's?")).to_be_visible(timeout=20_000)
    await expect(ana.get_by_text('ben set the quantity to 3; your 4 was replaced — use yours?')).to_be_visible()
    await expect(ana.get_by_label('Quantity of Towel')).to_have_value('3')

    await ana.get_by_role('button', name='Use yours').click()
    await expect(ben.get_by_label('Quantity of Towel')).to_have_value('4')
    await expect(ana.get_by_label('Quantity of Towel')).to_have_value('4')
    await people.close()


async def test_an_edit_to_an_item_someone_removed_says_so_and_offers_restore(browser: Browser, server,
                                                                               mailbox: Mailbox) -> None:
    people = await two_people_on_a_list(browser, server, mailbox, list_name='Camping', item_name='Tent')
    ana, ben = people.ana, people.ben
    await ben.get_by_role('button', name='Got it').click()
    await expect(ben.get_by_label('Quantity of Tent')).to_have_value('1')

    await people.ben_context.set_offline(True)
    await ben.evaluate('window.socket.io.engine.close()')
    await ben.get_by_label('Quantity of Tent').fill('2')
    await ben.get_by_label('Quantity of Tent').press('Enter')

    await ana.get_by_label('Delete Tent').click()
    await expect(ana.get_by_role('checkbox', name='Tent')).to_have_count(0)

    await people.ben_context.set_offline(False)
    await expect(ben.get_by_text('ana removed Tent.')).to_be_visible(timeout=20_000)
    await expect(ben.get_by_role('checkbox', name='Tent')).to_have_count(0)  # nothing refused is shown as saved
    await ben.get_by_test_id('toast').filter(has_text='ana removed Tent.').get_by_role('button', name='Restore').click()
    await expect(ana.get_by_role('checkbox', name='Tent')).to_be_visible()
    await expect(ben.get_by_label('Quantity of Tent')).to_have_value('1')  # back with its last values
    await people.close()

"""A tab that comes back online sends its outbox as several op events at once: they apply in order, once."""
import uuid
from typing import Any

from nicegui.testing import User
from nicegui.testing.user_interaction import UserInteraction

from tests.pages.test_collaboration_pages import two_people_on_one_list
from tests.support.helpers import services
from tests.support.mailbox import Mailbox
from tests.support.waiting import eventually
from travelpack_ui.components.item_table import ItemTable


def emit(person: User, ops: list[dict[str, Any]]) -> None:
    """What the browser's outbox does on reconnection: an `op` event per batch, without waiting for answers."""
    table = person.find(kind=ItemTable).elements.pop()
    UserInteraction(person, {table}, None).trigger('op', {'ops': [{'op_id': str(uuid.uuid4()), **op} for op in ops]})


async def test_a_replayed_outbox_applies_in_order_while_someone_else_edits(user: User, create_user,
                                                                           mailbox: Mailbox) -> None:
    ana, ben, list_id = await two_people_on_one_list(user, create_user, mailbox)
    tent, stove = str(uuid.uuid4()), str(uuid.uuid4())
    socks = [{'type': 'item.create', 'fields': {'name': f'Sock {n}'}} for n in range(60)]  # more than one write
    emit(ana, [*socks, {'type': 'item.create', 'id': tent, 'fields': {'name': 'Tent'}},
               {'type': 'item.create', 'id': stove, 'fields': {'name': 'Stove'}}])
    emit(ben, [{'type': 'item.create', 'fields': {'name': 'Map'}}])  # someone else, meanwhile
    emit(ana, [{'type': 'item.update', 'id': tent, 'fields': {'packed': True}},  # each batch needs the one before
               {'type': 'item.update', 'id': stove, 'fields': {'name': 'Camping stove'}}])
    emit(ana, [{'type': 'item.delete', 'id': stove}, {'type': 'item.update', 'id': tent, 'fields': {'quantity': 3}}])

    def names() -> dict[str, tuple[bool, int]]:
        return {i['name']: (i['packed'], i['quantity']) for i in services().lists.snapshot(list_id)['items']}
    expected = {'Tent': (True, 3), 'Map': (False, 1), **{f'Sock {n}': (False, 1) for n in range(60)}}
    await eventually(lambda: names() == expected, timeout=15)

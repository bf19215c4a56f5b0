"""Two writers of one list on PostgreSQL (two processes, or a script beside one): the second sees what the first
committed.

Another process's writer holds the list (here a raw connection that locked the list's row, removed an item and
bumped the version, not yet committed). An edit of that item through the op path waits for the list; once the
other commits, the edit must be refused as an edit of a removed item, not applied on what it read before the wait.
"""
import asyncio

import pytest
from sqlalchemy import text

from models import Op, new_id
from tests.support.helpers import account_of, create_list, services


async def test_an_edit_that_waited_for_another_writer_sees_what_it_committed(client, ana) -> None:
    app = services()
    if app.db.is_sqlite:
        pytest.skip('SQLite has one writer for the whole file: two writers never interleave')
    plist = await create_list(client, ana)
    response = await client.post(f'/api/packing-lists/{plist["id"]}/items', json={'name': 'Tent'}, headers=ana)
    assert response.status_code == 201, response.text
    item = response.json()
    owner = account_of(ana)
    with app.db.writer.connect() as other:
        transaction = other.begin()
        other.execute(text('SELECT id FROM packing_list WHERE id = :id FOR UPDATE'), {'id': plist['id']})
        other.execute(text('UPDATE item SET deleted_at = now(), deleted_by = :by WHERE id = :id'),
                      {'id': item['id'], 'by': owner.id})
        other.execute(text('UPDATE packing_list SET version = version + 1 WHERE id = :id'), {'id': plist['id']})
        edit = asyncio.create_task(app.ops.apply(
            plist['id'], [Op(op_id=new_id(), type='item.update', id=item['id'], fields={'name': 'Big tent'})],
            user=owner))
        await asyncio.sleep(0.5)
        assert not edit.done()  # it waits for the list
        transaction.commit()
    result = (await edit).results[0]
    assert (result.status, result.code) == ('rejected', 'deleted')
    listed = (await client.get(f'/api/packing-lists/{plist["id"]}', headers=ana)).json()
    assert item['id'] not in {i['id'] for i in listed['items']}

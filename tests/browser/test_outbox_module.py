"""The browser's outbox module on its own, evaluated in Chromium: order, queues per user and list, removal rules."""
from playwright.async_api import Browser

from tests.support.live import LiveServer

LOAD = "async () => { window.ob = await import('travelpack-item-table/outbox.js'); }"


async def test_the_outbox_keeps_order_and_lets_go_only_of_answered_ops(browser: Browser, server: LiveServer) -> None:
    page = await browser.new_page()
    await page.goto(f'{server.base_url}/signin')  # any page: its import map names the item table's modules
    await page.evaluate(LOAD)
    queued = await page.evaluate('''async () => {
        const mine = new ob.Outbox(ob.queueName('u1', 'list-a'));
        const other = new ob.Outbox(ob.queueName('u1', 'list-b'));
        const theirs = new ob.Outbox(ob.queueName('u2', 'list-a'));
        await mine.add([{op_id: 'a', type: 'item.create'}, {op_id: 'b', type: 'item.update'}]);
        await other.add([{op_id: 'x', type: 'item.create'}]);
        await theirs.add([{op_id: 'y', type: 'item.create'}]);
        await mine.add([{op_id: 'c', type: 'item.delete'}]);
        const ids = async (q) => (await q.list()).map((op) => op.op_id);
        const made = await ids(mine);
        await mine.remove(['b', 'never-queued']);  // an answer for b, and one for an op this queue never had
        return {made, afterAnswer: await ids(mine), other: await ids(other), theirs: await ids(theirs),
                queues: await ob.queuesOf('u1')};
    }''')
    assert queued == {'made': ['a', 'b', 'c'], 'afterAnswer': ['a', 'c'], 'other': ['x'], 'theirs': ['y'],
                      'queues': {'list-a': 2, 'list-b': 1}}

    await page.reload()  # nothing but an answer removes an op: a reload keeps the queue, in order
    await page.evaluate(LOAD)
    kept = await page.evaluate('''async () => {
        const mine = new ob.Outbox(ob.queueName('u1', 'list-a'));
        const before = (await mine.list()).map((op) => op.op_id);
        await mine.add([{op_id: 'd', type: 'item.update'}]);
        const after = (await mine.list()).map((op) => op.op_id);
        await new ob.Outbox(ob.queueName('u1', 'list-b')).clear();  // access to list-b ended
        return {before, after, queues: await ob.queuesOf('u1')};
    }''')
    assert kept == {'before': ['a', 'c'], 'after': ['a', 'c', 'd'], 'queues': {'list-a': 3}}
    await page.close()

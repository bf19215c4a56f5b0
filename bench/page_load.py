"""What a 1,000-item list costs: page build time, page and list bytes, server memory per open tab.

    .venv/bin/python bench/page_load.py            # full run (about 2 minutes)
    .venv/bin/python bench/page_load.py --quick    # under a minute
"""
import argparse
import asyncio
import gzip
import json
import sys
import time
from pathlib import Path

import aiohttp
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import command_line, create_list, median, pct, server, sign_in
from bench.tabs import Tab, page_model


async def build_times(url: str, cookie: str, loads: int) -> tuple[list[float], int, int]:
    """Time `loads` sequential GETs of the page (server-side build + a loopback transfer); bytes raw and gzip."""
    times: list[float] = []
    async with httpx.AsyncClient(headers={'Cookie': cookie}, timeout=30) as http:
        await http.get(url, headers={'Accept-Encoding': 'gzip'})  # warm: the room is open, code paths are hot
        for _ in range(loads):
            started = time.perf_counter()
            response = await http.get(url, headers={'Accept-Encoding': 'gzip'})
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, response.status_code
        gzip_bytes = response.num_bytes_downloaded
        raw = await http.get(url, headers={'Accept-Encoding': 'identity'})
    return times, len(raw.content), gzip_bytes


async def list_bytes(url: str, cookie: str) -> tuple[int, int, int]:
    """The list data a new tab gets in the page: the ItemTable's props (raw, gzip); and the page's elements."""
    async with httpx.AsyncClient(headers={'Cookie': cookie}, timeout=30) as http:
        html = (await http.get(url, headers={'Accept-Encoding': 'identity'})).text
    model = page_model(html)
    _, table = model.element('op')
    props = json.dumps(table['props'], separators=(',', ':')).encode()
    return len(props), len(gzip.compress(props, 6)), len(model.elements)


async def socket_bytes_on_connect(srv_url: str, origin: str, list_id: str, cookie: str) -> tuple[int, int]:
    """Bytes (as JSON) and messages the socket delivers in the first 2 s after a tab connects."""
    async with aiohttp.ClientSession() as http:
        tab = Tab(index=0, list_id=list_id, cookie=cookie)
        received: list[int] = []
        await tab.open(http, srv_url, origin)
        tab.sio.on('*', lambda event, *args: received.append(len(json.dumps([event, *args]))))
        await asyncio.sleep(2)
        await tab.close()
    return sum(received), len(received)


async def open_tabs(srv_url: str, origin: str, list_id: str, cookie: str, count: int, http: object) -> list[Tab]:
    tabs = [Tab(index=i, list_id=list_id, cookie=cookie) for i in range(count)]
    gate = asyncio.Semaphore(10)

    async def one(tab: Tab) -> None:
        async with gate:
            await tab.open(http, srv_url, origin)
    await asyncio.gather(*(one(t) for t in tabs))
    return tabs


def settle(srv: object, seconds: float) -> int:
    """RSS after a pause: the lowest of a few readings (pending frees, the next GC generation)."""
    readings = []
    for _ in range(int(seconds / 0.5)):
        time.sleep(0.5)
        readings.append(srv.rss_kb())  # type: ignore[attr-defined]
    return min(readings[-3:])


async def main(args: argparse.Namespace) -> None:
    with server() as srv:
        owner = await sign_in(srv, 'owner@bench.example')
        seeded = time.perf_counter()
        full = await create_list(srv, owner, 'A thousand things', args.items)
        seed_s = time.perf_counter() - seeded
        list_id = full['id']
        page_url = f'{srv.url}/lists/{list_id}'

        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
            # memory first, before the build-time loads leave unconnected clients behind
            tabs = await open_tabs(srv.url, srv.origin, list_id, owner.cookie, 1, http)
            base = await asyncio.to_thread(settle, srv, 3)
            memory: list[tuple[int, int, int]] = []
            for target in args.tabs:
                tabs += await open_tabs(srv.url, srv.origin, list_id, owner.cookie, target - (len(tabs) - 1), http)
                rss = await asyncio.to_thread(settle, srv, args.settle)
                dropped = sum(t.dropped for t in tabs)
                memory.append((target, rss, dropped))
            await asyncio.gather(*(t.close() for t in tabs))

        times, raw_bytes, gzip_bytes = await build_times(page_url, owner.cookie, args.loads)
        props_raw, props_gzip, elements = await list_bytes(page_url, owner.cookie)
        sock_bytes, sock_messages = await socket_bytes_on_connect(srv.url, srv.origin, list_id, owner.cookie)
        errors = srv.errors()

    ms = [t * 1000 for t in times]
    print(f'\n$ {command_line()}')
    print(f'{args.items}-item list (seeded through the ops endpoint in {seed_s:.1f} s)')
    print(f'  page build   median {median(ms):.0f} ms  p99 {pct(ms, 99):.0f} ms  max {max(ms):.0f} ms  '
          f'({args.loads} loads; target ≤ 150 ms)')
    print(f'  page bytes   {raw_bytes / 1000:.0f} KB raw, {gzip_bytes / 1000:.1f} KB gzip '
          f'(whole HTML page, {elements} elements)')
    print(f'  list data    {props_raw / 1000:.0f} KB raw, {props_gzip / 1000:.1f} KB gzip (the item table\'s props '
          f'in the page; targets ≤ 100 KB issue 2, ≤ 65 KB issue 4)')
    print(f'  on connect   {sock_bytes / 1000:.1f} KB over the socket in {sock_messages} messages (first 2 s)')
    print(f'  memory       baseline RSS {base / 1024:.0f} MB with one tab open')
    for target, rss, dropped in memory:
        per_tab = (rss - base) / target
        print(f'    {target:4d} tabs  RSS {rss / 1024:.0f} MB  {per_tab:.0f} KB per tab  dropped {dropped}  '
              f'(targets ≤ 500 KB issue 2, ≤ 250 KB issue 4)')
    if errors:
        print('server log errors:\n  ' + '\n  '.join(errors[:20]))


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--items', type=int, default=1000)
    parser.add_argument('--loads', type=int, default=20, help='page loads timed for the build time')
    parser.add_argument('--tabs', type=int, nargs='+', default=[10, 50, 100], help='open tabs to measure memory at')
    parser.add_argument('--settle', type=float, default=5.0, help='seconds to wait before reading RSS')
    parser.add_argument('--quick', action='store_true', help='fewer loads and shorter settles (< 1 minute)')
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.loads, arguments.settle = 10, 2.0
    asyncio.run(main(arguments))

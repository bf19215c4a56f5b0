"""Change-to-every-tab latency: tabs that connect like a browser, edits sent the way the item table sends them.

    .venv/bin/python bench/fanout.py                 # scenarios a, b and c (about 4 minutes)
    .venv/bin/python bench/fanout.py --quick         # smaller and shorter (under a minute)
    .venv/bin/python bench/fanout.py --scenario b    # just one

a: 50 tabs on a 100-item list, at 20 and at 100 changes/s (issue 2).
b: 200 tabs of 20 users on one 100-item list, every tab sending a focus event every ~2 s (presence on), 10 tabs
   editing at 20 changes/s in total (issue 4).
c: 1,000 tabs over 100 lists, 1 change/s per list (issue 4).
Latency = from the moment an editing tab sends the `op` event to the moment a tab receives the `tp_delta` carrying
that op id, for every tab of the list; "all tabs" = per change, until the last tab of the list has it.
"""
import argparse
import asyncio
import json
import multiprocessing
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (
    Server,
    add_members,
    command_line,
    create_list,
    server,
    sign_in_many,
    summary_ms,
    tree_cpu_s,
)
from bench.node_client import choose_client
from bench.tabs import WorkerPlan, run_worker

IDLE_S = 3.0
"""Seconds of server CPU measured with every tab connected before the load starts (its upkeep)."""


@dataclass
class Load:
    """One measured run: which tabs (list id, cookie), which of them edit and how fast, focus, duration."""
    title: str
    tabs: list[tuple[str, str]]
    editors: list[int]
    changes_per_s: float  # per list
    lists: int
    focus_every_s: float
    seconds: float
    arrivals: str = 'poisson'
    """When editors send: 'poisson' (exponential gaps) or 'periodic' (a fixed period after a random phase)."""
    warmup_s: float = 0.0
    """Seconds of the same load before `seconds`, kept out of the figures (a server's first changes pay for caches
    filling: compiled statements, prepared statements, PostgreSQL's own); `warmup_line` reports them apart."""


def run_load(srv: Server, load: Load, procs: int, profile: str = '', others: tuple[Server, ...] = (),
             client: str = 'python', on_start: Callable[[float], None] | None = None) -> dict[str, Any]:
    """Spread the tabs over `procs` client processes, run the load, gather latencies, CPU, memory, drops.

    `profile`: record the server with py-spy during the load into this file (collapsed stacks, 100 Hz).
    `others`: more servers (processes on one database); client process p talks to server p % (1 + len(others)),
    and each result says which (`server`). CPU figures are the servers' sum.
    `client`: 'python' (python-socketio in each load process) or 'node' (bench/node/tabs.mjs beside each).
    `on_start`: told the load's start (monotonic seconds) as soon as it is fixed, for work timed against it."""
    servers = (srv, *others)
    ctx = multiprocessing.get_context('spawn')
    ready, out = ctx.Queue(), ctx.Queue()
    gos = [ctx.Queue() for _ in range(procs)]
    per_editor = load.changes_per_s * load.lists / len(load.editors)
    per_list = len(load.editors) // load.lists
    share = {tab: n % per_list for n, tab in enumerate(load.editors)}  # editors of a list split its items
    plans = []
    for p in range(procs):
        mine = list(range(p, len(load.tabs), procs))
        target = servers[p % len(servers)]
        plans.append(WorkerPlan(base_url=target.url, origin=target.origin, tabs=[load.tabs[i] for i in mine],
                                editors=[k for k, i in enumerate(mine) if i in share],
                                editor_shares=[share[i] for i in mine if i in share], editor_count=per_list,
                                edits_per_s=per_editor, focus_every_s=load.focus_every_s,
                                seconds=load.warmup_s + load.seconds,
                                seed=p + 1, client=client, arrivals=load.arrivals))
    rss_before = srv.rss_kb()
    workers = [ctx.Process(target=run_worker, args=(plan, ready, go, out)) for plan, go in zip(plans, gos,
                                                                                             strict=True)]
    for worker in workers:
        worker.start()
    connect_s = []
    for _ in workers:
        kind, value = ready.get(timeout=600)
        if kind == 'error':
            raise RuntimeError(value)
        connect_s.append(value)
    time.sleep(3)  # let the arrivals' presence settle
    rss_connected = srv.rss_kb()
    idle_start, idle_wall = _cpu(servers), time.monotonic()
    time.sleep(IDLE_S)  # every tab connected, nothing sent yet: what keeping them open costs
    idle_cpu = (_cpu(servers) - idle_start) / (time.monotonic() - idle_wall)
    start = time.monotonic() + 1.0
    for go in gos:
        go.put(start)
    if on_start is not None:
        on_start(start)
    measured = start + load.warmup_s
    time.sleep(max(0.0, measured - time.monotonic()))
    spy = _profiler(srv, load.seconds, profile) if profile else None
    clients_start = sum(tree_cpu_s(worker.pid) for worker in workers if worker.pid)
    cpu_start, loop_start, wall_start = _cpu(servers), _loop_cpu(servers), time.monotonic()
    rss_peak = rss_connected
    while time.monotonic() < measured + load.seconds:
        time.sleep(0.5)
        rss_peak = max(rss_peak, srv.rss_kb())
    wall = time.monotonic() - wall_start
    cpu = (_cpu(servers) - cpu_start) / wall
    loop_cpu = (_loop_cpu(servers) - loop_start) / wall
    clients_cpu = (sum(tree_cpu_s(worker.pid) for worker in workers if worker.pid) - clients_start) / wall
    if spy is not None:
        spy.wait(timeout=60)
    results = []
    for _ in workers:
        kind, value = out.get(timeout=600)
        if kind == 'error':
            raise RuntimeError(value)
        value['server'] = (value['seed'] - 1) % len(servers)  # the worker of seed p + 1 talked to server p % n
        value['warmup_sends'] = {op: at for op, at in value['sends'].items() if at < measured}
        value['sends'] = {op: at for op, at in value['sends'].items() if at >= measured}
        results.append(value)
    for worker in workers:
        worker.join(timeout=30)
    return {'results': results, 'cpu': cpu, 'loop_cpu': loop_cpu, 'idle_cpu': idle_cpu, 'clients_cpu': clients_cpu,
            'rss_before': rss_before, 'rss_connected': rss_connected, 'rss_peak': rss_peak,
            'connect_s': max(connect_s), 'client': client, 'procs': procs}


def warmup_line(load: Load, run: dict[str, Any]) -> list[str]:
    """The warm-up's changes, kept out of the figures: latency to every tab (empty without a warm-up)."""
    if not load.warmup_s:
        return []
    sends = {op: at for result in run['results'] for op, at in result['warmup_sends'].items()}
    each = [at - sends[op] for result in run['results'] for tab in result['tabs'] for op, at in tab['arrivals']
            if op in sends]
    return [f'  warm-up    {summary_ms(each)}  ({len(sends)} changes in the first {load.warmup_s:g} s, not in the '
            'figures above)']


def clients_of(run: dict[str, Any]) -> str:
    """Which load client drove the tabs, for the report."""
    if run['client'] == 'node':
        return f'{run["procs"]} node load clients (socket.io-client), each with its Python page loader'
    return f'{run["procs"]} python load clients (python-socketio)'


def _cpu(servers: tuple[Server, ...]) -> float:
    return sum(each.cpu_s() for each in servers)


def _loop_cpu(servers: tuple[Server, ...]) -> float:
    return sum(each.loop_cpu_s() for each in servers)


def report(load: Load, run: dict[str, Any], dump: str = '') -> str:
    if dump:
        Path(dump).write_text(json.dumps({'title': load.title, **run}))
    sends: dict[str, float] = {}
    for result in run['results']:
        sends.update(result['sends'])
    tabs = [tab for result in run['results'] for tab in result['tabs']]
    tabs_per_list: dict[str, int] = {}
    for tab in tabs:
        tabs_per_list[tab['list_id']] = tabs_per_list.get(tab['list_id'], 0) + 1
    each: list[float] = []
    last: dict[str, float] = {}
    first: dict[str, float] = {}
    got: dict[str, int] = {}
    for tab in tabs:
        for op_id, at in tab['arrivals']:
            if (sent := sends.get(op_id)) is not None:
                each.append(at - sent)
                last[op_id] = max(last.get(op_id, 0.0), at - sent)
                first[op_id] = min(first.get(op_id, 1e9), at - sent)
                got[op_id] = got.get(op_id, 0) + 1
    op_list = {op_id: tab['list_id'] for tab in tabs for op_id, _ in tab['arrivals']}
    complete = [lat for op_id, lat in last.items() if got[op_id] == tabs_per_list[op_list[op_id]]]
    spread = [lat - first[op_id] for op_id, lat in last.items() if got[op_id] == tabs_per_list[op_list[op_id]]]
    missing = len(sends) - len(last)
    partial = len(last) - len(complete)
    dropped = sum(tab['dropped'] for tab in tabs)
    deltas = sum(tab['deltas'] for tab in tabs) / max(1, len(tabs))
    presence = sum(tab['presence'] for tab in tabs) / max(1, len(tabs))
    other = sum(tab['other'] for tab in tabs) / max(1, len(tabs))
    per_tab = (run['rss_connected'] - run['rss_before']) / max(1, len(tabs))
    rate = len(sends) / load.seconds
    pushes = sum(tab['deltas'] + tab['presence'] + tab['other'] for tab in tabs) * load.seconds / (
        load.seconds + load.warmup_s)  # the tabs count the warm-up's too
    loop_per_push = run['loop_cpu'] * load.seconds / max(1, pushes) * 1e6
    per_delivery, loop_per_delivery = (run[key] * load.seconds / max(1, len(each)) * 1e6 for key in ('cpu', 'loop_cpu'))
    return '\n'.join([
        f'{load.title}: {len(tabs)} tabs, {len(sends)} changes in {load.seconds:.0f} s ({rate:.0f}/s, '
        f'{load.arrivals} arrivals)',
        f'  every tab  {summary_ms(each)}  ({len(each)} deliveries)',
        f'  first tab  {summary_ms(list(first.values()))}  (per change: op event → commit → first delivery)',
        f'  all tabs   {summary_ms(complete)}  (per change, until the last tab of its list had it)',
        f'  spread     {summary_ms(spread)}  (per change, first tab → last tab: the fan-out without the op path)',
        f'  server     CPU {run["cpu"] * 100:.0f} % ({per_delivery:.0f} µs per delivery), of which the event loop '
        f'{run["loop_cpu"] * 100:.0f} % ({loop_per_delivery:.0f} µs; {loop_per_push:.0f} µs per message received)',
        f'  idle       CPU {run["idle_cpu"] * 100:.1f} % before the load, every tab connected and nothing sent (pings, '
        'timers; under load most of it is not added: the event loop is awake anyway)',
        f'  clients    CPU {run["clients_cpu"] * 100:.0f} % ({clients_of(run)}; 100 % = one core)',
        f'  memory     RSS {run["rss_connected"] / 1024:.0f} MB connected '
        f'({per_tab:.0f} KB per tab), peak {run["rss_peak"] / 1024:.0f} MB',
        f'  per tab    {deltas:.0f} delta pushes, {presence:.0f} presence pushes, {other:.0f} other NiceGUI messages '
        'received (warm-up included)',
        f'  dropped tabs {dropped}   changes undelivered 2 s after the load {missing}, to only some tabs {partial}'
        f'   (connect took {run["connect_s"]:.1f} s)',
        *warmup_line(load, run),
    ])


async def setup(srv: Server, *, users: int, lists: int, items: int, tabs_per_list: int,
                shared: bool) -> list[tuple[str, str]]:
    """Users, lists and the (list id, cookie) of every tab; `shared`: all users are editors of every list."""
    people = await sign_in_many(srv, users)
    made = []
    for n in range(lists):
        owner = people[n % len(people)]
        made.append((await create_list(srv, owner, f'Trip {n}', items))['id'])
        if shared and len(people) > 1:
            how = await add_members(srv, owner, made[-1], [p for p in people if p is not owner])
            print(f'  (members added by {how})')
    tabs = []
    for n, list_id in enumerate(made):
        for t in range(tabs_per_list):
            user = people[t % len(people)] if shared else people[n % len(people)]
            tabs.append((list_id, user.cookie))
    return tabs


def scenario_a(args: argparse.Namespace) -> list[str]:
    lines = []
    for rate in args.a_rates:
        with server() as srv:
            tabs = asyncio.run(setup(srv, users=1, lists=1, items=100, tabs_per_list=args.a_tabs, shared=False))
            load = Load(f'(a) {rate:g} changes/s', tabs, editors=list(range(5)), changes_per_s=rate, lists=1,
                        focus_every_s=0, seconds=args.seconds, arrivals=args.arrivals, warmup_s=args.warmup)
            run = run_load(srv, load, args.procs, profile_path(args, f'a{rate:g}'), client=args.client)
            done = [report(load, run, args.dump), *errors_of(srv)]
        print('\n'.join(done), flush=True)
        lines += done
    return lines


def scenario_b(args: argparse.Namespace) -> list[str]:
    with server() as srv:
        tabs = asyncio.run(setup(srv, users=args.b_users, lists=1, items=100, tabs_per_list=args.b_tabs,
                                 shared=True))
        presence = f'focus every {args.b_focus:g} s' if args.b_focus else 'no focus events'
        load = Load(f'(b) {presence}, {args.b_editors} editors', tabs, editors=list(range(args.b_editors)),
                    changes_per_s=args.b_rate, lists=1, focus_every_s=args.b_focus, seconds=args.seconds,
                    arrivals=args.arrivals, warmup_s=args.warmup)
        run = run_load(srv, load, args.procs, profile_path(args, 'b'), client=args.client)
        lines = [report(load, run, args.dump), *errors_of(srv)]
    print('\n'.join(lines), flush=True)
    return lines


def scenario_c(args: argparse.Namespace) -> list[str]:
    with server() as srv:
        per_list = args.c_tabs // args.c_lists
        tabs = asyncio.run(setup(srv, users=max(1, args.c_lists // 10), lists=args.c_lists, items=args.c_items,
                                 tabs_per_list=per_list, shared=False))
        load = Load(f'(c) {args.c_lists} lists', tabs, editors=list(range(0, len(tabs), per_list)),
                    changes_per_s=1.0, lists=args.c_lists, focus_every_s=0, seconds=args.seconds,
                    arrivals=args.arrivals, warmup_s=args.warmup)
        run = run_load(srv, load, args.procs, profile_path(args, 'c'), client=args.client)
        lines = [report(load, run, args.dump), *errors_of(srv)]
    print('\n'.join(lines), flush=True)
    return lines


def _profiler(srv: Server, seconds: float, path: str) -> subprocess.Popen:
    """py-spy sampling the server for the load's length: where its CPU goes, as collapsed stacks."""
    spy = shutil.which('py-spy')
    if spy is None:
        raise SystemExit('--profile needs py-spy on PATH (pip install py-spy)')
    return subprocess.Popen([spy, 'record', '--pid', str(srv.process.pid), '--duration', str(round(seconds)),
                             '--rate', '100', '--format', 'raw', '--nonblocking', '--output', path],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def profile_path(args: argparse.Namespace, tag: str) -> str:
    if not args.profile:
        return ''
    Path(args.profile).mkdir(parents=True, exist_ok=True)
    return str(Path(args.profile) / f'{tag}.txt')


def errors_of(srv: Server) -> list[str]:
    errors = srv.errors()
    return ['  server log errors:\n    ' + '\n    '.join(errors[:20])] if errors else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--scenario', choices=['a', 'b', 'c', 'all'], default='all')
    parser.add_argument('--seconds', type=float, default=25.0, help='length of each measured load')
    parser.add_argument('--procs', type=int, default=2, help='client processes (the machine has 2 cores)')
    parser.add_argument('--a-tabs', type=int, default=50)
    parser.add_argument('--a-rates', type=float, nargs='+', default=[20, 100])
    parser.add_argument('--b-tabs', type=int, default=200)
    parser.add_argument('--b-users', type=int, default=20)
    parser.add_argument('--b-editors', type=int, default=10)
    parser.add_argument('--b-rate', type=float, default=20)
    parser.add_argument('--b-focus', type=float, default=2.0, help='seconds between focus events per tab (0: none)')
    parser.add_argument('--c-tabs', type=int, default=1000)
    parser.add_argument('--c-lists', type=int, default=100)
    parser.add_argument('--c-items', type=int, default=20)
    parser.add_argument('--dump', default='', help='write the raw send and arrival times of the last run here')
    parser.add_argument('--warmup', type=float, default=2.0,
                        help='seconds of the same load before the measured ones, kept out of the figures')
    parser.add_argument('--arrivals', choices=['poisson', 'periodic'], default='poisson',
                        help="when editors send: exponential gaps (default), or every 1/rate s after a random phase")
    parser.add_argument('--profile', default='',
                        help='record the server with py-spy during each load into this folder (<scenario>.txt)')
    parser.add_argument('--quick', action='store_true', help='smaller and shorter: everything in under a minute')
    parser.add_argument('--client', choices=['node', 'python'], default='',
                        help='what drives the tabs: node (bench/node/tabs.mjs, the default once `npm ci` ran in '
                             'bench/node) or python (python-socketio, heavier per message)')
    args = parser.parse_args()
    args.client = choose_client(args.client)
    if args.quick:
        args.seconds, args.a_rates, args.b_tabs, args.c_tabs, args.c_lists = 5, [20], 100, 200, 20
    lines = []
    for name, run in (('a', scenario_a), ('b', scenario_b), ('c', scenario_c)):
        if args.scenario in (name, 'all'):
            lines += run(args)
    print(f'\n$ {command_line()}\n' + '\n'.join(lines))


if __name__ == '__main__':
    main()

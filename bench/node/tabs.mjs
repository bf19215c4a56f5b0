// Browser-like tabs of /lists/<id> on NiceGUI's socket.io, driven from Node: the light twin of bench/tabs.py's
// socket side. bench/node_client.py opens the pages (GET + parse stay in Python, bench/tabs.py, one source of truth)
// and streams the parsed tabs here; this script connects each one as nicegui.js does, sends `op` and `focus` events
// as the ItemTable component does, and records when each `tp_delta` carrying an op id arrives.
//
// Protocol: one JSON object per line.
//   stdin:  {"plan": {...}}, then {"tab": {...}} per tab, then {"go": start} once every tab is connected
//   stdout: {"clock": t} at once, {"connected": index} per tab, at the end the result in the shape of tabs.py's
//           worker ({"seed", "sends": {op id: t}, "tabs": [{list_id, arrivals, deltas, ...}]}), or {"error": "..."}
//           (then it exits).
//
// Clock: every time here and in the plan is seconds on CLOCK_MONOTONIC, Python's time.monotonic(). On Linux
// process.hrtime.bigint() is libuv's uv_hrtime(), clock_gettime(CLOCK_MONOTONIC). Checked on the bench machine
// (2026-11-29, node 20.20): Python read time.monotonic(), wrote a line to a running node, node answered with
// hrtime, Python read time.monotonic() again: 535.584138 < 535.584232 < 535.584333 (a 0.2 ms window; five rounds,
// all inside). node_client.py makes the same check on every run with the {"clock"} reply and stops if it fails.
import { createInterface } from 'node:readline';
import { io } from 'socket.io-client';

const now = () => Number(process.hrtime.bigint()) / 1e9;

// `done` runs once the line is handed to the pipe: a pipe's stdout is asynchronous in Node, and an exit before
// that cut the result (a few hundred KB) short.
const out = (message, done) => process.stdout.write(JSON.stringify(message) + '\n', done);

function fail(error) {
  out({ error: String(error && error.stack ? error.stack : error) }, () => process.exit(1));
}

// A small seeded generator (mulberry32): the schedule's phases need not match Python's, only be reproducible.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const choice = (rng, list) => list[Math.floor(rng() * list.length)];

class Tab {
  constructor(spec) {
    Object.assign(this, spec); // index, list_id, cookie, client_id, table_id, listeners, items, own
    this.item_ids = Object.keys(this.items);
    this.arrivals = []; // [op id, monotonic time]
    this.deltas = 0;
    this.presence = 0;
    this.other = 0; // NiceGUI's own messages (element updates, run_method, ...)
    this.dropped = false;
    this.closing = false;
  }

  connect(plan) {
    // The query nicegui.js sends: client id, a fresh document and tab id, implicit handshake.
    this.socket = io(plan.base_url, {
      path: plan.socket_path,
      query: {
        client_id: this.client_id, next_message_id: 0, implicit_handshake: 'true',
        document_id: crypto.randomUUID(), tab_id: crypto.randomUUID(),
      },
      transports: ['websocket'],
      extraHeaders: { Cookie: this.cookie, Origin: plan.origin },
      // offered as Chromium always does; whether frames are compressed is the server's answer
      perMessageDeflate: { threshold: 1024 },
      forceNew: true, // one connection per tab, as a browser tab has
      reconnection: false,
      timeout: 30000,
    });
    this.socket.io.on('open', () => this.timeFrames(this.socket.io.engine.transport));
    this.socket.on('tp_delta', (message) => {
      const at = this.frameAt;
      this.deltas += 1;
      for (const change of message.changes) {
        if (change.op_id) this.arrivals.push([change.op_id, at]);
      }
    });
    this.socket.on('tp_presence', () => { this.presence += 1; });
    this.socket.onAny((event) => {
      if (event !== 'tp_delta' && event !== 'tp_presence') this.other += 1;
    });
    return new Promise((resolve, reject) => {
      this.socket.once('connect', () => {
        this.socket.on('disconnect', () => { if (!this.closing) this.dropped = true; });
        resolve();
      });
      this.socket.once('connect_error', (error) => reject(new Error(`tab ${this.index}: ${error.message}`)));
    });
  }

  // A delta's arrival is when its frame reached this tab's socket, not when this one process got round to decoding
  // it: a browser decodes each tab's frames on that tab's own thread, while here one event loop serves a hundred
  // tabs, and decoding on arrival made the hundredth tab wait for 99 decodes (about 1 ms at the median, counted as
  // the server's fan-out). So each frame is stamped as it comes off the socket and decoded once the loop has read
  // every socket that was ready (setImmediate), in order per tab.
  timeFrames(transport) {
    const decode = transport.onData.bind(transport);
    let frames = [];
    const drain = () => {
      const ready = frames;
      frames = [];
      for (const [data, at] of ready) {
        this.frameAt = at;
        decode(data);
      }
    };
    transport.onData = (data) => {
      frames.push([data, now()]);
      if (frames.length === 1) setImmediate(drain);
    };
  }

  // What `this.$emit(kind, payload)` in the ItemTable component sends over the socket.
  event(kind, payload) {
    this.socket.emit('event', {
      id: this.table_id, client_id: this.client_id, listener_id: this.listeners[kind],
      args: [JSON.stringify(payload)],
    });
  }

  // Toggle packed or change the quantity of one of `own` items (only this tab edits them); [op id, sent].
  // The new value always differs from the server's, so every op is a real change (a no-op makes no delta).
  edit(rng) {
    const opId = crypto.randomUUID();
    const itemId = choice(rng, this.own);
    const was = this.items[itemId];
    const fields = rng() < 0.5 ? { packed: !was.packed } : { quantity: ((was.quantity || 0) % 9) + 1 };
    this.items[itemId] = { ...was, ...fields };
    const sent = now();
    this.event('op', { ops: [{ op_id: opId, type: 'item.update', id: itemId, fields }] });
    return [opId, sent];
  }

  close() {
    this.closing = true;
    this.socket.disconnect();
  }

  record() {
    return {
      list_id: this.list_id, arrivals: this.arrivals, deltas: this.deltas, presence: this.presence,
      other: this.other, dropped: this.dropped,
    };
  }
}

// Run `action` at `first`, then at next(when), ... while before `end` (open loop: whatever the answers take).
function schedule(tab, first, next, end, action) {
  return new Promise((resolve) => {
    let when = first;
    const step = () => {
      if (when >= end) return resolve();
      setTimeout(() => {
        if (tab.dropped) return resolve();
        action();
        when = next(when);
        step();
      }, Math.max(0, (when - now()) * 1000));
    };
    step();
  });
}

const sleepUntil = (t) => new Promise((resolve) => setTimeout(resolve, Math.max(0, (t - now()) * 1000)));

async function load(plan, tabs, start) {
  const end = start + plan.seconds;
  const rng = random(plan.seed);
  const sends = {};
  const loops = [];
  for (const tab of tabs) {
    if (tab.own) {
      const own = random(Math.floor(rng() * 2 ** 32));
      const rate = plan.edits_per_s;
      // as tabs.py's _edit_loop: exponential gaps, or every 1/rate s after a random phase ('periodic')
      const gap = plan.arrivals === 'periodic' ? () => 1 / rate : () => -Math.log(1 - own()) / rate;
      const first = start + (plan.arrivals === 'periodic' ? own() / rate : gap());
      loops.push(schedule(tab, first, (when) => when + gap(), end, () => {
        const [opId, sent] = tab.edit(own);
        sends[opId] = sent;
      }));
    }
  }
  if (plan.focus_every_s) {
    const every = plan.focus_every_s;
    for (const tab of tabs) {
      const mine = random(Math.floor(rng() * 2 ** 32));
      loops.push(schedule(tab, start + mine() * every, (when) => when + every * (0.8 + 0.4 * mine()), end,
        () => tab.event('focus', { item_id: choice(mine, tab.item_ids) })));
    }
  }
  await Promise.all(loops);
  await sleepUntil(end + 2.0); // let the last deltas arrive
  const result = { seed: plan.seed, sends, tabs: tabs.map((tab) => tab.record()) };
  for (const tab of tabs) tab.close();
  return result;
}

async function main() {
  let plan = null;
  const tabs = [];
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const message = JSON.parse(line);
    if (message.plan) {
      plan = message.plan;
      out({ clock: now() });
    } else if (message.tab) {
      const tab = new Tab(message.tab);
      tabs.push(tab);
      tab.connect(plan).then(() => out({ connected: tab.index }), fail);
    } else if (message.go !== undefined) {
      await sleepUntil(message.go);
      out(await load(plan, tabs, message.go), () => process.exit(0));
      return;
    }
  }
  process.exit(0); // stdin closed before the go: the Python process that drove these tabs is gone
}

main().catch(fail);

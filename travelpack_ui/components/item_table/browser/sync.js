// Socket sync and the outbox. Deltas arrive once per change on the list's socket.io room and are applied in version
// order; a gap asks the server for a full `resync`. Every change this tab makes is first written to the durable
// outbox (outbox.js, IndexedDB), then shown and sent as an op (`op` event); it stays pending until the server answers
// (an ack, or our own op_id in a delta), which is the only thing that takes it out of the outbox. A reloaded page or
// a new tab picks the queue up again. Ops go out only once the server said this tab's socket is in (`connected`,
// after NiceGUI's handshake, which drops events sent before it) and are resent on every such connection: op_ids
// make that harmless. Undo keeps the inverse of each batch sent. A mixin of the table: it reads the server state
// (state.js) and speaks through toasts (messages.js).

import { MAPS } from "travelpack-item-table/state.js";
import { Outbox, dropSnapshot, queueName } from "travelpack-item-table/outbox.js";
import { forgetPage } from "travelpack-item-table/offline.js";
import { describeOps } from "travelpack-item-table/format.js";

const BATCH = 200; // ops per emitted event: well under the server's per-request limit and socket message size
const UNDO_DEPTH = 50;
const CHECK_MS = 30000;
const RESEND_AFTER_MS = 20000;

export function uuid4() {
  const c = window.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID(); // secure contexts only
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const REFUSED = new Set(["forbidden", "not_found"]); // the role was lowered or access ended meanwhile

export const socketSync = {
  data() {
    return { online: navigator.onLine !== false }; // what the person is told; `joined` gates sending
  },
  created() {
    this.pending = []; // [{op, at}]
    this.recent = new Map(); // op_id -> op, for acks that arrive after the delta cleared the op
    this.undoStack = [];
    this.awaitingLoad = false;
    this.joined = false;
    this.queue = queueName(this.me && this.me.id, this.list && this.list.id);
    this.outbox = new Outbox(this.queue);
    // writes and the first read are chained: what was queued before a reload is shown and sent before what is new
    this.outboxChain = this.outbox.list().then((ops) => this.restoreQueued(ops), () => undefined);
  },
  mounted() {
    this.dead = false;
    this.attachSocket();
    this.timer = setInterval(() => this.tick(), CHECK_MS);
    this.unloadHandler = (e) => {
      if (!this.pending.length || !this.online) return; // offline the outbox keeps them; online they are in flight
      e.preventDefault();
      e.returnValue = "";
    };
    this.offlineHandler = () => (this.online = false);
    window.addEventListener("beforeunload", this.unloadHandler);
    window.addEventListener("offline", this.offlineHandler);
  },
  unmounted() {
    this.dead = true;
    clearTimeout(this.socketTimer);
    clearInterval(this.timer);
    window.removeEventListener("beforeunload", this.unloadHandler);
    window.removeEventListener("offline", this.offlineHandler);
    if (this.socket) for (const [name, fn] of Object.entries(this.socketHandlers)) this.socket.off(name, fn);
  },
  computed: {
    pendingCount() {
      this.rev; // eslint-disable-line no-unused-expressions
      return this.pending.length;
    },
    syncStatus() {
      const n = this.pendingCount;
      const changes = n === 1 ? "1 change" : `${n} changes`;
      if (!this.online) return n ? `Offline — ${changes} will sync when you're back` : "Offline — changes will sync when you're back";
      return n ? `Syncing ${changes}…` : "All changes saved";
    },
  },
  methods: {
    // --- called by the server --------------------------------------------------------------------------------
    load(snapshot) {
      if (this.endedMessage) return; // access ended: nothing of the list comes back
      this.applySnapshot(snapshot || {});
      this.awaitingLoad = false;
      this.rev++;
    },
    ack(results) {
      if (this.endedMessage) return; // an answer in flight when access ended brings no entity back
      const refused = [];
      for (const r of results || []) {
        const op = this.takePending(r.op_id) || this.recent.get(r.op_id);
        const kind = op ? op.type.split(".")[0] : null;
        if (op && r.entity && MAPS[kind] && r.status !== "rejected") this.upsert(kind, r.entity);
        if (r.status === "conflict") this.toastOwnConflicts(op, kind, r);
        else if (r.status === "rejected" && REFUSED.has(r.code) && op) refused.push({ op, r });
        else if (r.status === "rejected") this.toastRejected(op, kind, r);
      }
      if (refused.length) this.toastRefused(refused);
      this.forget((results || []).map((r) => r.op_id));
      this.rev++;
    },
    connected() {
      // the server's word that NiceGUI's handshake is done and this tab is in the list's room: safe to send
      this.online = true;
      this.joined = true;
      if (this.endedMessage) return;
      this.$emit("check", { version: this.version });
      this.outboxChain = this.outboxChain.then(() => this.flush());
    },
    forgetList() {
      // access ended: nothing queued for this list can ever be applied, and its copies must not open offline
      clearTimeout(this.saveTimer);
      this.outboxChain = this.outboxChain
        .then(() => Promise.all([this.outbox.clear(), dropSnapshot(this.queue), forgetPage()]))
        .catch(() => undefined);
    },

    // --- socket ----------------------------------------------------------------------------------------------
    attachSocket() {
      if (this.dead) return;
      const socket = window.socket;
      if (!socket) {
        this.socketTimer = setTimeout(() => this.attachSocket(), 50); // NiceGUI creates it after the app mounted
        return;
      }
      this.socket = socket;
      this.socketHandlers = {
        tp_delta: (msg) => this.onDelta(msg),
        tp_presence: (msg) => this.onPresence(msg),
        disconnect: () => {
          this.online = false;
          this.joined = false;
        },
      };
      for (const [name, fn] of Object.entries(this.socketHandlers)) socket.on(name, fn);
      this.awaitHandshake();
    },
    awaitHandshake() {
      // the first connection may finish before the server's `connected` reaches this component; later ones are
      // announced by the server (NiceGUI's `did_handshake` stays true across reconnects, so it only helps here)
      if (this.dead || this.joined) return;
      if (window.did_handshake && this.socket.connected) this.connected();
      else this.socketTimer = setTimeout(() => this.awaitHandshake(), 50);
    },
    onDelta(msg) {
      if (!msg || !this.meta || msg.list_id !== this.meta.id || this.endedMessage) return;
      if (this.awaitingLoad) return;
      if (msg.from_version > this.version) {
        this.awaitingLoad = true;
        this.$emit("resync", { version: this.version });
        return;
      }
      let changed = false;
      for (const ch of msg.changes || []) {
        if (ch.version <= this.version) continue;
        this.applyChange(ch);
        this.version = ch.version;
        changed = true;
      }
      if (msg.version > this.version) this.version = msg.version;
      if (changed) this.rev++;
    },
    applyChange(ch) {
      const kind = (ch.op || "").split(".")[0];
      if (kind === "list") {
        const { categories, bags, travelers, items, ...fields } = ch.entity || {};
        this.meta = { ...this.meta, ...fields, id: this.meta.id };
      } else if (MAPS[kind] && ch.entity) {
        this.upsert(kind, ch.entity);
      }
      const mine = ch.actor && this.me && ch.actor.id === this.me.id;
      if (ch.op_id && mine) {
        const op = this.takePending(ch.op_id);
        if (op) this.remember(op);
        this.forget([ch.op_id]);
      }
      if (ch.conflicts && !mine && MAPS[kind]) this.toastTheirConflicts(kind, ch);
    },
    onPresence(msg) {
      if (!msg || !this.meta || msg.list_id !== this.meta.id) return;
      this.presenceUsers = msg.users || [];
    },
    tick() {
      this.nowTick = Date.now();
      if (this.endedMessage || !this.joined) return;
      this.$emit("check", { version: this.version });
      // nothing is ever given up: an op leaves only on the server's answer
      const stale = this.pending.filter((p) => Date.now() - p.at > RESEND_AFTER_MS);
      for (const p of stale) p.at = Date.now();
      if (stale.length) this.emitOps(stale.map((p) => p.op));
    },
    flush() {
      if (!this.joined || this.endedMessage || !this.pending.length) return;
      const now = Date.now();
      for (const p of this.pending) p.at = now;
      this.emitOps(this.pending.map((p) => p.op)); // in order, in batches; a rejected op does not stop the rest
    },
    restoreQueued(ops) {
      const known = new Set(this.pending.map((p) => p.op.op_id));
      const fresh = ops.filter((op) => !known.has(op.op_id));
      if (!fresh.length) return;
      this.pending = [...fresh.map((op) => ({ op, at: 0 })), ...this.pending];
      for (const op of fresh) this.remember(op);
      this.rev++;
      this.flush();
    },
    forget(opIds) {
      const ids = opIds.filter(Boolean);
      if (ids.length) this.outboxChain = this.outboxChain.then(() => this.outbox.remove(ids)).catch(() => undefined);
    },
    toastRefused(refused) {
      const detail = refused[0].r.detail || "This change was refused.";
      const what = describeOps(refused.map((x) => x.op), (id) => this.view.items.get(id) || this.grave.get(id));
      this.toast(`${detail} Not saved: ${what}`, null, { sticky: true }); // stays until dismissed: what they typed
    },


    // --- sending ops -----------------------------------------------------------------------------------------
    makeOp(type, id, fields) {
      const op = { op_id: uuid4(), type, id };
      if (fields) op.fields = fields;
      const [kind, verb] = type.split(".");
      if (verb === "update" || verb === "delete") {
        const known = this.S[MAPS[kind]] && this.S[MAPS[kind]].get(id);
        if (known) op.base_version = known.version;
      }
      return op;
    },
    send(ops, undo) {
      if (!this.editable || !ops.length) return false;
      // shown at once (a checkbox must not flick back while the disk works), sent only once on disk: the write takes
      // a few ms, so nothing the server may answer can be missing from the outbox after a reload
      const now = Date.now();
      for (const op of ops) {
        this.pending.push({ op, at: now });
        this.remember(op);
      }
      this.rev++;
      const sendNow = () => this.joined && this.emitOps(ops.filter((op) => this.isPending(op.op_id)));
      this.outboxChain = this.outboxChain.then(() => this.outbox.add(ops)).then(sendNow, (error) => {
        console.warn("the outbox could not keep a change", error); // still sent, as before the outbox
        sendNow();
      });
      if (undo && undo.length) {
        this.undoStack.push(undo);
        if (this.undoStack.length > UNDO_DEPTH) this.undoStack.shift();
      }
      return true;
    },
    emitOps(ops) {
      for (let i = 0; i < ops.length; i += BATCH) this.$emit("op", { ops: ops.slice(i, i + BATCH) });
    },
    remember(op) {
      this.recent.set(op.op_id, op);
      if (this.recent.size > 2000) this.recent.delete(this.recent.keys().next().value);
    },
    sendUpdate(kind, id, fields, undoable = true) {
      const cur = this.view[MAPS[kind]].get(id);
      const inverse = cur ? [{ type: `${kind}.update`, id, fields: this.previous(cur, fields) }] : null;
      return this.send([this.makeOp(`${kind}.update`, id, fields)], undoable ? inverse : null);
    },
    previous(entity, fields) {
      const out = {};
      for (const k of Object.keys(fields)) out[k] = entity[k] === undefined ? null : entity[k];
      return out;
    },
    undo() {
      const entry = this.undoStack.pop();
      if (!entry) {
        this.toast("Nothing to undo.");
        return;
      }
      this.send(entry.map((u) => this.makeOp(u.type, u.id, u.fields)), null);
    },
    isPending(opId) {
      return this.pending.some((p) => p.op.op_id === opId);
    },
    takePending(opId) {
      const i = this.pending.findIndex((p) => p.op.op_id === opId);
      if (i < 0) return null;
      return this.pending.splice(i, 1)[0].op;
    },
  },
};

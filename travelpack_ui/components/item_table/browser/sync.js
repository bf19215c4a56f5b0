// Socket sync and the outbox. Deltas arrive once per change on the list's socket.io room and are applied in version
// order; a gap asks the server for a full `resync`. Every change this tab makes leaves as an op (`op` event) and
// stays pending until the server answers (an ack, or our own op_id in a delta); unanswered ops are resent, and
// given up after three tries. Ops are idempotent by op_id, so resending after a reconnect is safe. Undo keeps the
// inverse of each batch sent. A mixin of the table: it reads the server state (state.js) and speaks through toasts.

import { MAPS } from "travelpack-item-table/state.js";

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

export const socketSync = {
  created() {
    this.pending = []; // [{op, at, tries}]
    this.recent = new Map(); // op_id -> op, for acks that arrive after the delta cleared the op
    this.undoStack = [];
    this.awaitingLoad = false;
  },
  mounted() {
    this.dead = false;
    this.attachSocket();
    this.timer = setInterval(() => this.tick(), CHECK_MS);
  },
  unmounted() {
    this.dead = true;
    clearTimeout(this.socketTimer);
    clearInterval(this.timer);
    if (this.socket) for (const [name, fn] of Object.entries(this.socketHandlers)) this.socket.off(name, fn);
  },
  methods: {
    // --- called by the server --------------------------------------------------------------------------------
    load(snapshot) {
      this.applySnapshot(snapshot || {});
      this.awaitingLoad = false;
      this.rev++;
    },
    ack(results) {
      for (const r of results || []) {
        const op = this.takePending(r.op_id) || this.recent.get(r.op_id);
        const kind = op ? op.type.split(".")[0] : null;
        if (op && r.entity && MAPS[kind] && r.status !== "rejected") this.upsert(kind, r.entity);
        if (r.status === "conflict") this.toastOwnConflicts(op, kind, r);
        else if (r.status === "rejected") this.toastRejected(op, kind, r);
      }
      this.rev++;
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
      this.wasConnected = socket.connected;
      this.socketHandlers = {
        tp_delta: (msg) => this.onDelta(msg),
        tp_presence: (msg) => this.onPresence(msg),
        connect: () => this.onConnect(),
      };
      for (const [name, fn] of Object.entries(this.socketHandlers)) socket.on(name, fn);
      // the snapshot was taken before this tab joined the room: ask once whether something happened in between
      this.socketTimer = setTimeout(() => !this.endedMessage && this.$emit("check", { version: this.version }), 500);
    },
    onConnect() {
      if (!this.wasConnected) {
        this.wasConnected = true;
        return;
      }
      // a reconnect: we may have missed deltas and acks; ops are idempotent by op_id, so resending is safe
      this.$emit("check", { version: this.version });
      if (this.pending.length && this.editable) this.emitOps(this.pending.map((p) => p.op));
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
      }
      if (ch.conflicts && !mine && MAPS[kind]) this.toastTheirConflicts(kind, ch);
    },
    onPresence(msg) {
      if (!msg || !this.meta || msg.list_id !== this.meta.id) return;
      this.presenceUsers = msg.users || [];
    },
    tick() {
      this.nowTick = Date.now();
      if (this.endedMessage) return;
      this.$emit("check", { version: this.version });
      const stale = this.pending.filter((p) => Date.now() - p.at > RESEND_AFTER_MS);
      if (!stale.length) return;
      const given = stale.filter((p) => p.tries >= 3);
      if (given.length) {
        this.pending = this.pending.filter((p) => !given.includes(p));
        this.toast(given.length === 1 ? "A change could not be saved." : `${given.length} changes could not be saved.`);
        this.rev++;
      }
      const again = stale.filter((p) => p.tries < 3);
      for (const p of again) {
        p.tries++;
        p.at = Date.now();
      }
      if (again.length && this.editable) this.emitOps(again.map((p) => p.op));
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
      const now = Date.now();
      for (const op of ops) {
        this.pending.push({ op, at: now, tries: 1 });
        this.remember(op);
      }
      this.rev++;
      this.emitOps(ops);
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
    takePending(opId) {
      const i = this.pending.findIndex((p) => p.op.op_id === opId);
      if (i < 0) return null;
      return this.pending.splice(i, 1)[0].op;
    },
  },
};

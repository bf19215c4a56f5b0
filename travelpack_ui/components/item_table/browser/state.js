// Server state and the pending overlay. Server state = the snapshot prop (or the last `load`) plus the deltas and
// acks; what is shown (`view`) = server state with this tab's pending (sent, not yet acked) ops applied on top, so a
// rejected op rolls back by itself. Entities are frozen and replaced one at a time in plain Maps, deliberately not
// reactive: `rev` tells Vue when they changed. A mixin of the table: it shares the table's `pending` and `me`.

export const MAPS = { item: "items", category: "categories", bag: "bags", traveler: "travelers" };

export function byPosition(a, b) {
  return a.position - b.position || (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0);
}

export const serverState = {
  data() {
    return {
      rev: 0, // bumped whenever the non-reactive server state or pending ops change
      meta: {},
      version: 0,
    };
  },
  created() {
    this.S = { items: new Map(), categories: new Map(), bags: new Map(), travelers: new Map() };
    this.grave = new Map(); // id -> last known entity of deleted things, for optimistic restores
    this.overlay = new Map(); // op_id -> {base, result}: keeps optimistic entities stable between renders
  },
  computed: {
    view() {
      // server state with pending ops on top; fresh Maps each time so dependants see a new value
      this.rev; // eslint-disable-line no-unused-expressions
      const S = this.S;
      const v = {
        items: new Map(S.items), categories: new Map(S.categories), bags: new Map(S.bags),
        travelers: new Map(S.travelers),
      };
      const used = new Set();
      for (const p of this.pending) {
        this.overlayOp(v, p.op);
        used.add(p.op.op_id);
      }
      for (const key of this.overlay.keys()) if (!used.has(key)) this.overlay.delete(key);
      return v;
    },
    lists() {
      // the same arrays while nothing in them changed: every row takes them as props, and a new array would
      // re-render all thousand rows on each toggle
      const v = this.view;
      const prev = this.listsCache || {};
      const next = {};
      for (const key of ["categories", "bags", "travelers"]) {
        const fresh = [...v[key].values()].sort(byPosition);
        const old = prev[key];
        next[key] = old && old.length === fresh.length && old.every((e, i) => e === fresh[i]) ? old : Object.freeze(fresh);
      }
      if (prev.categories === next.categories && prev.bags === next.bags && prev.travelers === next.travelers) return prev;
      this.listsCache = next;
      return next;
    },
  },
  methods: {
    applySnapshot(snap) {
      const { categories, bags, travelers, items, ...meta } = snap;
      this.meta = meta;
      this.version = snap.version || 0;
      const fill = (list) => new Map((list || []).filter((e) => !e.deleted).map((e) => [e.id, Object.freeze({ ...e })]));
      this.S = { items: fill(items), categories: fill(categories), bags: fill(bags), travelers: fill(travelers) };
    },
    upsert(kind, entity) {
      const m = this.S[MAPS[kind]];
      const cur = m.get(entity.id);
      if (cur && cur.version > entity.version) return; // an older copy (an ack and a delta can cross)
      if (entity.deleted) {
        m.delete(entity.id);
        this.grave.set(entity.id, Object.freeze({ ...(cur || {}), ...entity, deleted: undefined }));
        if (kind !== "item") this.unlink(this.S.items, `${kind}_id`, entity.id);
      } else {
        m.set(entity.id, Object.freeze({ ...entity }));
        this.grave.delete(entity.id);
      }
    },
    unlink(items, field, id) {
      for (const item of items.values()) if (item[field] === id) items.set(item.id, Object.freeze({ ...item, [field]: null }));
    },
    overlayOp(v, op) {
      const [kind, verb] = op.type.split(".");
      const m = v[MAPS[kind]];
      if (!m) return;
      if (verb === "delete") {
        m.delete(op.id);
        if (kind !== "item") this.unlink(v.items, `${kind}_id`, op.id);
        return;
      }
      const base = verb === "create" ? null : verb === "restore" ? m.get(op.id) || this.grave.get(op.id) : m.get(op.id);
      if (verb !== "create" && !base) return;
      const cached = this.overlay.get(op.op_id);
      if (cached && cached.base === base && (verb !== "create" || !m.has(op.id))) {
        m.set(op.id, cached.result);
        return;
      }
      let result;
      if (verb === "create") {
        if (m.has(op.id)) return; // already known from the server
        const now = new Date().toISOString();
        let top = 0;
        for (const e of m.values()) if (e.position > top) top = e.position;
        const defaults = kind === "item"
          ? { quantity: 1, packed: false, notes: null, weight_grams: null, category_id: null, bag_id: null, traveler_id: null }
          : {};
        result = {
          ...defaults, position: top + 1, ...op.fields, id: op.id, version: 0, created_by: this.me.id,
          updated_by: this.me.id, created_at: now, updated_at: now,
        };
      } else if (verb === "update") {
        result = { ...base, ...op.fields, updated_by: this.me.id, updated_at: new Date().toISOString() };
      } else {
        result = { ...base };
      }
      result._pending = true;
      Object.freeze(result);
      this.overlay.set(op.op_id, { base, result });
      m.set(op.id, result);
    },
  },
};

// The home page sends every list's queued offline ops (see __init__.py). Ops leave a queue only on an answer.

import { Outbox, dropSnapshot, queueName, queuesOf } from "travelpack-item-table/outbox.js";

const BATCH = 200;

export default {
  template: `<p v-if="text" class="text-sm text-gray-600" role="status" data-testid="home-sync">{{ text }}</p>`,
  props: { userId: String },
  data() {
    return { text: "" };
  },
  mounted() {
    this.refused = [];
    this.timer = setInterval(() => this.start(), 100);
  },
  unmounted() {
    clearInterval(this.timer);
  },
  methods: {
    async start() {
      // NiceGUI drops events sent before its handshake
      if (!window.did_handshake || !window.socket || !window.socket.connected) return;
      clearInterval(this.timer);
      const queues = await queuesOf(this.userId);
      const total = Object.values(queues).reduce((a, b) => a + b, 0);
      if (!total) return;
      this.text = total === 1 ? "Syncing 1 change…" : `Syncing ${total} changes…`;
      for (const listId of Object.keys(queues)) {
        const ops = await new Outbox(queueName(this.userId, listId)).list();
        for (let i = 0; i < ops.length; i += BATCH) this.$emit("replay", { list_id: listId, ops: ops.slice(i, i + BATCH) });
      }
    },
    async answered(listId, results, gone) {
      const queue = queueName(this.userId, listId);
      const box = new Outbox(queue);
      await box.remove((results || []).map((r) => r.op_id));
      for (const r of results || []) if (r.status === "rejected") this.refused.push(r.detail || "refused");
      if (gone) {
        await box.clear();
        await dropSnapshot(queue);
        if (window.caches) await (await caches.open("tp-pages-v1")).delete(`${location.origin}/lists/${listId}`);
      }
      const left = Object.values(await queuesOf(this.userId)).reduce((a, b) => a + b, 0);
      if (left) this.text = left === 1 ? "Syncing 1 change…" : `Syncing ${left} changes…`;
      else if (this.refused.length) {
        const n = this.refused.length;
        this.text = `${n} change${n === 1 ? " was" : "s were"} not saved: ${[...new Set(this.refused)].join(" ")}`;
      }
      else this.text = "All changes saved";
    },
  },
};

// Toasts and confirmations: what the table tells the person (a conflict in words with a way to keep their value,
// a refused change, an undo offer) and the one question it asks before a change to many items. Toasts go by
// themselves after a while; at most four stay. A mixin of the table, with the template part it renders.

import { FIELD_WORDS, weightText } from "travelpack-item-table/format.js";
import { MAPS } from "travelpack-item-table/state.js";

const TOAST_MS = 8000;

export const MESSAGES_TEMPLATE = `
      <div class="tp-toasts" aria-live="polite">
        <div v-for="t in toasts" :key="t.id" class="tp-toast" :role="t.sticky ? 'alert' : 'status'" data-testid="toast">
          <span class="tp-toast-text">{{ t.text }}</span>
          <button v-if="t.action" type="button" class="tp-toast-action" @click="runToast(t)">{{ t.action.label }}</button>
          <button type="button" class="tp-toast-close" aria-label="Dismiss" @click="dismiss(t.id)">×</button>
        </div>
      </div>

      <div v-if="confirmState" class="tp-modal-backdrop" @click.self="confirmState = null" @keydown.esc="confirmState = null">
        <div class="tp-modal" role="alertdialog" aria-modal="true" :aria-label="confirmState.text" data-testid="confirm">
          <p>{{ confirmState.text }}</p>
          <div class="tp-modal-actions">
            <button type="button" class="tp-btn" @click="confirmState = null">Cancel</button>
            <button type="button" ref="confirmOk" class="tp-btn" :class="confirmState.danger ? 'tp-danger' : 'tp-primary'"
                    @click="confirmOk">{{ confirmState.okLabel }}</button>
          </div>
        </div>
      </div>`;

export const messages = {
  data() {
    return { toasts: [], confirmState: null };
  },
  created() {
    this.toastSeq = 0;
  },
  unmounted() {
    for (const t of this.toasts) clearTimeout(t.timer);
  },
  watch: {
    confirmState(value) {
      if (value) this.$nextTick(() => this.$refs.confirmOk && this.$refs.confirmOk.focus());
    },
  },
  methods: {
    toastTheirConflicts(kind, ch) {
      for (const c of ch.conflicts) {
        if (!c.by || c.by.id !== this.me.id) continue;
        const now = ch.entity[c.field];
        const text = `${ch.actor.display_name} set ${FIELD_WORDS[c.field] || c.field} to ${this.fmt(c.field, now)}; `
          + `your ${this.fmt(c.field, c.value)} was replaced — use yours?`;
        const id = ch.entity.id;
        this.toast(text, { label: "Use yours", run: () => this.sendUpdate(kind, id, { [c.field]: c.value }) });
      }
    },
    toastOwnConflicts(op, kind, r) {
      const id = (r.entity && r.entity.id) || (op && op.id);
      for (const c of r.conflicts || []) {
        const by = (c.by && c.by.display_name) || "someone";
        const action = MAPS[kind] && id
          ? { label: `Use ${by}'s`, run: () => this.sendUpdate(kind, id, { [c.field]: c.value }) }
          : null;
        this.toast(`You replaced ${by}'s ${this.fmt(c.field, c.value)} — use ${by}'s?`, action);
      }
    },
    toastRejected(op, kind, r) {
      const text = r.detail || "That change was not saved.";
      if (r.code === "deleted" && op && op.id && MAPS[kind]) {
        this.toast(text, { label: "Restore", run: () => this.send([this.makeOp(`${kind}.restore`, op.id)]) });
      } else if (!this.toasts.some((t) => t.text === text)) {
        this.toast(text); // a batch refused as a whole says it once
      }
    },
    fmt(field, value) {
      if (value === null || value === undefined || value === "") return "nothing";
      if (field === "packed") return value ? "packed" : "not packed";
      if (field === "weight_grams") return weightText(value, this.units);
      const lookup = { bag_id: "bags", traveler_id: "travelers", category_id: "categories" }[field];
      if (lookup) {
        const e = this.view[lookup].get(value) || this.grave.get(value);
        return e ? e.name : "another one";
      }
      return String(value);
    },
    toast(text, action = null, { sticky = false } = {}) {
      const id = ++this.toastSeq;
      const t = { id, text, action, sticky, timer: sticky ? null : setTimeout(() => this.dismiss(id), TOAST_MS) };
      this.toasts.push(t);
      // a sticky toast (a refused change, with what was typed) stays until the person dismisses it
      while (this.toasts.filter((x) => !x.sticky).length > 4) this.dismiss(this.toasts.find((x) => !x.sticky).id);
    },
    dismiss(id) {
      const i = this.toasts.findIndex((t) => t.id === id);
      if (i < 0) return;
      clearTimeout(this.toasts[i].timer);
      this.toasts.splice(i, 1);
    },
    runToast(t) {
      this.dismiss(t.id);
      t.action.run();
    },
    confirmOk() {
      const state = this.confirmState;
      this.confirmState = null;
      if (state) state.run();
    },
  },
};

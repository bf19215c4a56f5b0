// One packing-list row: the packed checkbox, the name (click to rename), quantity, bag, traveler, weight, notes,
// who added and changed it, and who is editing it now. A child component of its own, so that a change re-renders
// the rows it touches, not a thousand. A row only says what the person did (events); the table turns that into ops.
// Limits (name, notes, quantity) come from the server as the `limits` prop, so both refuse the same input.
//
// One component for both widths, so that every hook, accessible name and edit path exists once. Wide, the editors
// sit on the row's line as they always did. `compact` (a phone), the line holds only what packing needs (checkbox,
// name, quantity when > 1, bag and traveler chips, the marks) at a fixed 44 px, and a tap on the line opens the
// same editors below it, with Rename, reorder and delete. The focus and attribution marks keep a fixed place on
// the line, so the row does not move when someone starts editing it.

import {
  GRAMS_PER_OZ, UNKNOWN_PERSON, ago, cleanName, nameTooLong, ounces, quantityOutOfRange,
} from "travelpack-item-table/format.js";

export const ItemRow = {
  name: "TpItemRow",
  props: {
    item: Object, bags: Array, travelers: Array, editable: Boolean, units: String, focusers: Array,
    members: Object, me: Object, nowTick: Number, first: Boolean, last: Boolean, limits: Object,
    compact: Boolean, // a phone: one line per item, the rest in the row's panel (row_layout.js)
    open: Boolean, // compact only: this row's panel is open
  },
  emits: ["toggle", "edit", "remove", "move", "focusItem", "blurItem", "message", "open"],
  template: `
    <div class="tp-row" data-testid="item-row" :data-item-id="item.id" :data-packed="item.packed ? 'true' : 'false'"
         :data-pending="item._pending ? '' : null" :data-open="compact && open ? '' : null"
         :style="focusers ? { borderLeftColor: focusers[0].color } : null">
      <div class="tp-row-main" @click="onLine">
        <label class="tp-hit" @click.stop>
          <input type="checkbox" class="tp-check" :checked="item.packed" :disabled="!editable" :aria-label="item.name"
                 @change="onToggle"></label>
        <input v-if="editingName" ref="name" class="tp-input tp-name-input" v-model="nameDraft"
               :aria-label="'Name of ' + item.name" data-testid="name-input" @click.stop
               @keydown.enter.prevent="saveName" @keydown.esc.prevent="cancelName" @blur="saveName"
               @focus="$emit('focusItem', item.id)">
        <span v-else-if="compact" ref="label" class="tp-name" data-testid="item-name" role="button" tabindex="0"
              :aria-expanded="open ? 'true' : 'false'" @keydown.enter.prevent="onLine">{{ item.name }}</span>
        <span v-else ref="label" class="tp-name" data-testid="item-name"
              :role="editable ? 'button' : null" :tabindex="editable ? 0 : null"
              :aria-label="editable ? 'Rename ' + item.name : null" :title="editable ? 'Click to rename' : null"
              @click="startName" @keydown.enter.prevent="startName">{{ item.name }}</span>
        <template v-if="compact && !editingName">
          <span v-if="item.quantity > 1" class="tp-tag" data-testid="quantity-tag">×{{ item.quantity }}</span>
          <span v-if="bagName" class="tp-tag tp-tag-bag" data-testid="bag-tag" :title="'Bag: ' + bagName">{{ bagName }}</span>
          <span v-if="travelerName" class="tp-tag tp-tag-traveler" data-testid="traveler-tag"
                :title="'For ' + travelerName">{{ travelerName }}</span>
          <span v-if="item.notes" class="material-icons tp-note-mark" role="img" aria-label="Has notes">notes</span>
        </template>
        <span v-else-if="item.notes && !notesOpen && !editingName" class="tp-notes-preview">{{ item.notes }}</span>
        <span class="tp-marks">
          <span class="tp-focus">
            <span v-for="u in focusers || []" :key="u.id" class="tp-chip tp-presence" :style="{ background: u.color }"
                  role="img" :aria-label="u.display_name + ' is editing'" :title="u.display_name + ' is editing'"
                  data-testid="presence-chip">{{ u.initials }}</span></span>
          <span class="tp-attr" role="img" :aria-label="attribution" :title="attribution" data-testid="attribution">
            <span class="tp-chip" :style="{ background: creator.color }">{{ creator.initials }}</span>
            <span v-if="changer" class="tp-chip" :style="{ background: changer.color }">{{ changer.initials }}</span>
          </span></span>
      </div>
      <div v-if="!compact || open" class="tp-row-rest">
        <template v-if="editable">
          <label class="tp-qty"><span v-if="compact" class="tp-cap">Quantity</span>
            <span v-else class="tp-x" aria-hidden="true">×</span>
            <input type="number" min="0" :max="limits.quantity" step="1" inputmode="numeric" class="tp-input tp-num"
                   :value="'quantity' in drafts ? drafts.quantity : item.quantity" :aria-label="'Quantity of ' + item.name"
                   @input="drafts.quantity = $event.target.value" @change="onQuantity"
                   @keydown.enter.prevent="$event.target.blur()"
                   @focus="startDraft('quantity', $event)" @blur="endDraft('quantity')"></label>
          <label class="tp-field"><span v-if="compact" class="tp-cap">Bag</span>
            <select class="tp-select" :aria-label="'Bag for ' + item.name" @change="onSelect('bag_id', $event)">
              <option value="" :selected="!item.bag_id">No bag</option>
              <option v-for="b in bags" :key="b.id" :value="b.id" :selected="b.id === item.bag_id">{{ b.name }}</option>
            </select></label>
          <label class="tp-field"><span v-if="compact" class="tp-cap">Traveler</span>
            <select class="tp-select" :aria-label="'Traveler for ' + item.name" @change="onSelect('traveler_id', $event)">
              <option value="" :selected="!item.traveler_id">Anyone</option>
              <option v-for="t in travelers" :key="t.id" :value="t.id" :selected="t.id === item.traveler_id">{{ t.name }}</option>
            </select></label>
          <label class="tp-weight"><span v-if="compact" class="tp-cap">Weight</span>
            <input type="number" min="0" :step="imperial ? 0.1 : 1" inputmode="decimal" class="tp-input tp-num"
                   :value="'weight' in drafts ? drafts.weight : weightValue" placeholder="–"
                   :aria-label="'Weight of ' + item.name + (imperial ? ' in ounces' : ' in grams')"
                   @input="drafts.weight = $event.target.value" @change="onWeight"
                   @keydown.enter.prevent="$event.target.blur()"
                   @focus="startDraft('weight', $event)" @blur="endDraft('weight')">
            <span class="tp-unit" aria-hidden="true">{{ imperial ? 'oz' : 'g' }}</span></label>
        </template>
        <template v-else>
          <span class="tp-text">× {{ item.quantity }}</span>
          <span v-if="bagName" class="tp-text">{{ bagName }}</span>
          <span v-if="travelerName" class="tp-text">{{ travelerName }}</span>
          <span v-if="item.weight_grams != null" class="tp-text">{{ weightValue }} {{ imperial ? 'oz' : 'g' }}</span>
        </template>
        <button v-if="!compact && (editable || item.notes)" type="button" class="tp-icon-btn"
                :data-has-notes="item.notes ? '' : null" :aria-label="'Notes for ' + item.name"
                :aria-expanded="notesOpen ? 'true' : 'false'" :title="item.notes ? 'Notes' : 'Add notes'"
                @click="toggleNotes">
          <span class="material-icons" aria-hidden="true">{{ item.notes ? 'sticky_note_2' : 'note_add' }}</span></button>
      </div>
      <div v-if="notesShown" class="tp-notes">
        <textarea v-if="editable" ref="notes" class="tp-input" rows="2" v-model="notesDraft"
                  :aria-label="'Notes for ' + item.name" data-testid="notes-input" :placeholder="compact ? 'Notes' : null"
                  @focus="$emit('focusItem', item.id)" @blur="saveNotes" @keydown.esc.prevent="cancelNotes"></textarea>
        <div v-else class="tp-notes-text">{{ item.notes }}</div>
      </div>
      <div v-if="editable && (!compact || open)" class="tp-tools">
        <button v-if="compact" type="button" class="tp-icon-btn" :aria-label="'Rename ' + item.name" title="Rename"
                @click="startName"><span class="material-icons" aria-hidden="true">edit</span></button>
        <button type="button" class="tp-icon-btn" :aria-label="'Move ' + item.name + ' up'" :disabled="first"
                title="Move up" @click="$emit('move', item, -1)">
          <span class="material-icons" aria-hidden="true">arrow_upward</span></button>
        <button type="button" class="tp-icon-btn" :aria-label="'Move ' + item.name + ' down'" :disabled="last"
                title="Move down" @click="$emit('move', item, 1)">
          <span class="material-icons" aria-hidden="true">arrow_downward</span></button>
        <button type="button" class="tp-icon-btn" :aria-label="'Delete ' + item.name" title="Delete"
                @click="$emit('remove', item)">
          <span class="material-icons" aria-hidden="true">delete_outline</span></button>
      </div>
      <p v-if="compact && open" class="tp-attr-text">{{ attribution }}</p>
    </div>`,
  data() {
    // drafts: what is typed in a number field while it has focus. Vue re-applies a bound `value` to the DOM whenever
    // the row re-renders (someone else's change to this item, an ack), which would wipe what is being typed.
    return { editingName: false, nameDraft: "", notesOpen: false, notesDraft: "", drafts: {} };
  },
  watch: {
    open(now) {
      if (now && !this.notesOpen) this.notesDraft = this.item.notes || "";
    },
    "item.notes"(notes) {
      // someone else's notes show up unless this person is typing their own
      if (this.$refs.notes !== document.activeElement) this.notesDraft = notes || "";
    },
  },
  computed: {
    imperial() {
      return this.units === "imperial";
    },
    notesShown() {
      return this.notesOpen || (this.compact && this.open && (this.editable || !!this.item.notes));
    },
    weightValue() {
      const g = this.item.weight_grams;
      if (g == null) return "";
      return this.imperial ? String(ounces(g)) : String(g);
    },
    bagName() {
      const b = this.item.bag_id && this.bags.find((x) => x.id === this.item.bag_id);
      return b ? b.name : "";
    },
    travelerName() {
      const t = this.item.traveler_id && this.travelers.find((x) => x.id === this.item.traveler_id);
      return t ? t.name : "";
    },
    creator() {
      return this.person(this.item.created_by);
    },
    changer() {
      const by = this.item.updated_by;
      return by && by !== this.item.created_by ? this.person(by) : null;
    },
    attribution() {
      const it = this.item;
      const added = `added by ${this.person(it.created_by).display_name}`;
      if (!it.updated_by || it.updated_at === it.created_at) return `${added} ${ago(it.created_at, this.nowTick)}`;
      return `${added} · changed by ${this.person(it.updated_by).display_name} ${ago(it.updated_at, this.nowTick)}`;
    },
  },
  methods: {
    person(id) {
      if (this.me && id === this.me.id) return this.me;
      return (this.members && this.members[id]) || UNKNOWN_PERSON;
    },
    onLine() {
      if (this.compact && !this.editingName) this.$emit("open", this.item.id);
    },
    onToggle(event) {
      this.$emit("toggle", this.item, event.target.checked);
      event.target.checked = this.item.packed; // the view decides; an accepted toggle re-renders it checked
    },
    startName() {
      if (!this.editable || this.editingName) return;
      this.nameDraft = this.item.name;
      this.editingName = true;
      this.$nextTick(() => {
        if (!this.$refs.name) return;
        this.$refs.name.focus();
        this.$refs.name.select();
      });
    },
    saveName() {
      if (!this.editingName) return;
      const name = cleanName(this.nameDraft);
      if (name.length > this.limits.name) {
        this.$emit("message", nameTooLong(this.limits.name, name.length));
        this.$nextTick(() => this.$refs.name && this.$refs.name.focus());
        return;
      }
      this.editingName = false;
      this.$emit("blurItem", this.item.id);
      if (name && name !== this.item.name) this.$emit("edit", this.item, { name });
      this.$nextTick(() => this.$refs.label && document.activeElement === document.body && this.$refs.label.focus());
    },
    cancelName() {
      this.editingName = false;
      this.$emit("blurItem", this.item.id);
      this.$nextTick(() => this.$refs.label && this.$refs.label.focus());
    },
    startDraft(field, event) {
      this.drafts[field] = event.target.value;
      this.$emit("focusItem", this.item.id);
    },
    endDraft(field) {
      delete this.drafts[field];
      this.$emit("blurItem", this.item.id);
    },
    onQuantity(event) {
      const raw = event.target.value.trim();
      const n = Number(raw);
      if (raw === "" || !Number.isInteger(n) || n < 0 || n > this.limits.quantity) {
        this.$emit("message", quantityOutOfRange(this.limits.quantity));
        event.target.value = this.item.quantity;
        return;
      }
      if (n !== this.item.quantity) this.$emit("edit", this.item, { quantity: n });
    },
    onSelect(field, event) {
      const value = event.target.value || null;
      if (value !== (this.item[field] || null)) this.$emit("edit", this.item, { [field]: value });
    },
    onWeight(event) {
      const raw = event.target.value.trim();
      let grams = null;
      if (raw !== "") {
        const n = Number(raw);
        if (!Number.isFinite(n) || n < 0 || n > 10000000) {
          this.$emit("message", "The weight must be a number of zero or more.");
          event.target.value = this.weightValue;
          return;
        }
        grams = Math.round(this.imperial ? n * GRAMS_PER_OZ : n); // always sent in grams
      }
      if (grams !== (this.item.weight_grams ?? null)) this.$emit("edit", this.item, { weight_grams: grams });
    },
    toggleNotes() {
      this.notesOpen = !this.notesOpen;
      if (!this.notesOpen) return;
      this.notesDraft = this.item.notes || "";
      this.$nextTick(() => this.$refs.notes && this.$refs.notes.focus());
    },
    saveNotes() {
      this.$emit("blurItem", this.item.id);
      if (!this.notesShown) return;
      const notes = this.notesDraft.replace(/\s+$/, "");
      if (notes.length > this.limits.notes) {
        this.$emit("message", `Notes can be at most ${this.limits.notes} characters.`);
        return;
      }
      if (notes !== (this.item.notes || "")) this.$emit("edit", this.item, { notes: notes || null });
      if (!notes) this.notesOpen = false;
    },
    cancelNotes() {
      this.notesOpen = false;
      this.notesDraft = this.item.notes || "";
      if (this.compact && this.$refs.notes) this.$refs.notes.blur();
      this.$emit("blurItem", this.item.id);
    },
  },
};

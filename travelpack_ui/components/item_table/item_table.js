// The whole item area of a list page, rendered in the browser.
//
// Server state = the snapshot prop (or the last `load`) plus the deltas the room emits once per change to a
// socket.io room; what is shown = server state with this tab's pending (sent, not yet acked) ops applied on top,
// so a rejected op rolls back by itself. Entities are frozen and replaced one at a time, and rows are child
// components, so a change re-renders the rows it touches, not a thousand. State styles hang on data attributes,
// not classes: NiceGUI's Tailwind runtime watches class changes, and a new class costs a full restyle.

const FIELD_WORDS = {
  quantity: "the quantity", name: "the name", packed: "packed", notes: "the notes", weight_grams: "the weight",
  bag_id: "the bag", traveler_id: "the traveler", category_id: "the category", position: "the order",
};
const MAPS = { item: "items", category: "categories", bag: "bags", traveler: "travelers" };
const NOUNS = { category: "category", bag: "bag", traveler: "traveler" };
const NAME_MAX = 200;
const NOTES_MAX = 2000;
const QUANTITY_MAX = 9999;
const GRAMS_PER_OZ = 28.3495;
const GRAMS_PER_LB = 453.59237;
const BATCH = 200; // ops per emitted event: well under the server's per-request limit and socket message size
const UNDO_DEPTH = 50;
const TOAST_MS = 8000;
const CHECK_MS = 30000;
const RESEND_AFTER_MS = 20000;
const UNKNOWN = Object.freeze({ display_name: "Someone", initials: "?", color: "#9e9e9e" });

function uuid4() {
  const c = window.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID(); // secure contexts only
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function cleanName(text) {
  // the server refuses control characters; tabs from a pasted spreadsheet become spaces
  return String(text || "").normalize("NFC").replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
}

function byPosition(a, b) {
  return a.position - b.position || (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0);
}

function ago(iso, now) {
  const t = Date.parse(iso);
  if (!t) return "";
  const s = Math.max(0, (now - t) / 1000);
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  const d = Math.round(s / 86400);
  return d === 1 ? "yesterday" : `${d} days ago`;
}

function isTextField(el) {
  if (!el) return false;
  if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
  if (el.tagName !== "INPUT") return false;
  return !["checkbox", "radio", "button", "submit", "reset", "range", "color"].includes(el.type);
}

const STYLE = `
.tp-items{--tp-line:#e5e7eb;--tp-muted:#6b7280;--tp-accent:#2563eb;font-size:15px;line-height:1.35;width:100%;
  max-width:100%;box-sizing:border-box;color:#111827}
.tp-items *{box-sizing:border-box}
.tp-input,.tp-select{border:1px solid #cbd5e1;border-radius:8px;padding:6px 8px;font:inherit;background:#fff;
  color:inherit;min-width:0;max-width:100%}
.tp-input:focus,.tp-select:focus{outline:2px solid var(--tp-accent);outline-offset:-1px;border-color:transparent}
.tp-select{padding:5px 4px}
.tp-btn{border:1px solid #cbd5e1;background:#fff;border-radius:8px;padding:6px 12px;font:inherit;cursor:pointer;
  white-space:nowrap;color:inherit}
.tp-btn:hover{background:#f3f4f6}
.tp-primary{background:var(--tp-accent);border-color:var(--tp-accent);color:#fff}
.tp-primary:hover{background:#1d4ed8}
.tp-danger{background:#dc2626;border-color:#dc2626;color:#fff}
.tp-danger:hover{background:#b91c1c}
.tp-icon-btn{border:0;background:transparent;border-radius:6px;width:32px;height:32px;display:inline-flex;
  align-items:center;justify-content:center;cursor:pointer;color:#4b5563;padding:0;flex:0 0 auto}
.tp-icon-btn:hover:not(:disabled){background:#f3f4f6;color:#111827}
.tp-icon-btn:disabled{opacity:.3;cursor:default}
.tp-icon-btn .material-icons{font-size:20px}
.tp-icon-btn[data-has-notes]{color:var(--tp-accent)}
.tp-banner{background:#fef3c7;border:1px solid #f59e0b;color:#78350f;border-radius:8px;padding:10px 12px;
  margin-bottom:12px}
.tp-viewonly{color:var(--tp-muted);margin:0 0 12px}
.tp-add{display:flex;gap:8px;margin-bottom:10px}
.tp-add-input{flex:1 1 auto;font-size:16px;padding:10px 12px}
.tp-add .tp-select{flex:0 1 170px}
.tp-filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:10px}
.tp-search{flex:1 1 180px}
.tp-filters .tp-select{flex:0 1 150px}
.tp-toggle{display:inline-flex;align-items:center;gap:6px;white-space:nowrap;cursor:pointer}
.tp-toggle input{width:18px;height:18px}
.tp-totals{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;margin-bottom:10px;color:#374151}
.tp-progress{display:flex;align-items:center;gap:10px;flex:1 1 220px}
.tp-progress-text{white-space:nowrap;font-weight:600}
.tp-bar{flex:1 1 auto;height:8px;background:#e5e7eb;border-radius:4px;overflow:hidden;min-width:60px}
.tp-bar-fill{height:100%;background:#16a34a;transition:width .2s}
.tp-sub{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:13px;color:var(--tp-muted)}
.tp-sub-item{display:inline-flex;align-items:center;gap:6px;white-space:nowrap}
.tp-mini{width:44px;height:5px;background:#e5e7eb;border-radius:3px;overflow:hidden;display:inline-block}
.tp-mini>span{display:block;height:100%;background:#16a34a}
.tp-organise{border:1px solid var(--tp-line);border-radius:8px;margin-bottom:12px;background:#fafafa}
.tp-organise>summary{cursor:pointer;padding:8px 12px;font-weight:600;color:#374151}
.tp-org-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px;padding:4px 12px 12px}
.tp-org h4{margin:4px 0;font-size:14px;font-weight:600}
.tp-org ul{list-style:none;margin:0 0 6px;padding:0}
.tp-org li{display:flex;align-items:center;gap:4px;min-height:32px}
.tp-org li .tp-name{flex:1 1 auto}
.tp-org .tp-input{width:100%}
.tp-group{margin-bottom:14px}
.tp-group-head{display:flex;align-items:baseline;justify-content:space-between;gap:8px;padding:6px 8px;
  border-bottom:2px solid var(--tp-line)}
.tp-group-name{margin:0;font-size:16px;font-weight:600;overflow-wrap:anywhere}
.tp-group-count{color:var(--tp-muted);font-variant-numeric:tabular-nums}
.tp-row{display:flex;flex-wrap:wrap;align-items:center;gap:4px 10px;padding:4px 6px 4px 8px;
  border-left:3px solid transparent;border-bottom:1px solid #f1f3f5;
  content-visibility:auto;contain-intrinsic-size:auto 42px}
.tp-row[data-pending]{opacity:.75}
.tp-row-main{display:flex;align-items:center;gap:8px;flex:1 1 220px;min-width:0}
.tp-row-rest{display:flex;align-items:center;gap:6px;flex:0 1 auto;flex-wrap:wrap;min-width:0}
.tp-check{width:20px;height:20px;margin:0;flex:0 0 auto;cursor:pointer;accent-color:#16a34a}
.tp-name{min-width:0;overflow-wrap:anywhere;border-radius:4px;padding:2px 2px}
.tp-name[role=button]{cursor:text}
.tp-name[role=button]:hover{background:#f3f4f6}
.tp-row[data-packed=true] .tp-name{color:var(--tp-muted);text-decoration:line-through}
.tp-name-input{flex:1 1 auto;padding:4px 6px}
.tp-notes-preview{color:var(--tp-muted);font-size:13px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;
  min-width:0;flex:0 1 auto}
.tp-qty,.tp-weight{display:inline-flex;align-items:center;gap:3px;white-space:nowrap;color:#4b5563}
.tp-num{width:62px;padding:4px 6px;text-align:right}
.tp-row .tp-select{width:118px;padding:4px 2px;font-size:14px}
.tp-unit{font-size:13px;color:var(--tp-muted)}
.tp-text{font-size:14px;color:#4b5563;white-space:nowrap}
.tp-chip{display:inline-flex;align-items:center;justify-content:center;min-width:22px;height:22px;padding:0 4px;
  border-radius:11px;color:#fff;font-size:11px;font-weight:700;line-height:1;flex:0 0 auto}
.tp-attr{display:inline-flex;gap:2px;cursor:default;min-width:46px;justify-content:center}
.tp-attr .tp-chip{opacity:.85}
.tp-presence{box-shadow:0 0 0 2px #fff}
.tp-notes{flex:1 1 100%;padding:0 0 4px 28px}
.tp-notes textarea{width:100%;resize:vertical}
.tp-notes-text{white-space:pre-wrap;color:#374151;font-size:14px;overflow-wrap:anywhere}
.tp-empty{color:var(--tp-muted);padding:24px 8px;text-align:center}
.tp-empty .tp-btn{margin-left:8px}
.tp-muted{color:var(--tp-muted);font-size:13px}
.tp-toasts{position:fixed;left:50%;bottom:16px;transform:translateX(-50%);display:flex;flex-direction:column;
  gap:8px;z-index:6000;width:min(560px,calc(100vw - 24px));pointer-events:none}
.tp-toast{pointer-events:auto;display:flex;align-items:center;gap:10px;background:#1f2937;color:#fff;
  border-radius:10px;padding:10px 8px 10px 14px;box-shadow:0 6px 20px rgba(0,0,0,.25)}
.tp-toast-text{flex:1 1 auto;overflow-wrap:anywhere}
.tp-toast-action{border:0;background:transparent;color:#93c5fd;font:inherit;font-weight:700;cursor:pointer;
  padding:4px 6px;border-radius:6px;white-space:nowrap}
.tp-toast-action:hover{background:rgba(255,255,255,.1)}
.tp-toast-close{border:0;background:transparent;color:#d1d5db;font-size:20px;line-height:1;cursor:pointer;
  width:28px;height:28px;border-radius:6px}
.tp-toast-close:hover{background:rgba(255,255,255,.1)}
.tp-modal-backdrop{position:fixed;inset:0;background:rgba(0,0,0,.35);display:flex;align-items:center;
  justify-content:center;z-index:6100;padding:16px}
.tp-modal{background:#fff;border-radius:12px;padding:18px;max-width:420px;width:100%;
  box-shadow:0 10px 30px rgba(0,0,0,.3)}
.tp-modal p{margin:0 0 16px}
.tp-modal-actions{display:flex;justify-content:flex-end;gap:8px}
@media (max-width:599px){
  .tp-row-main{flex-basis:100%}
  .tp-row-rest{padding-left:28px;width:100%}
  .tp-row{padding-top:6px;padding-bottom:6px}
  .tp-row .tp-select{width:104px}
  .tp-row .tp-icon-btn{width:30px}
  .tp-add .tp-select{flex:0 1 112px}
  .tp-filters .tp-select{flex:1 1 40%}
  .tp-num{width:56px}
}
`;

function injectStyle() {
  if (document.getElementById("tp-item-table-style")) return;
  const el = document.createElement("style");
  el.id = "tp-item-table-style";
  el.textContent = STYLE;
  document.head.appendChild(el);
}

const ItemRow = {
  name: "TpItemRow",
  props: {
    item: Object, bags: Array, travelers: Array, editable: Boolean, units: String, focusers: Array,
    members: Object, me: Object, nowTick: Number, first: Boolean, last: Boolean,
  },
  emits: ["toggle", "edit", "remove", "move", "focusItem", "blurItem", "message"],
  template: `
    <div class="tp-row" data-testid="item-row" :data-item-id="item.id" :data-packed="item.packed ? 'true' : 'false'"
         :data-pending="item._pending ? '' : null"
         :style="focusers ? { borderLeftColor: focusers[0].color } : null">
      <div class="tp-row-main">
        <input type="checkbox" class="tp-check" :checked="item.packed" :disabled="!editable" :aria-label="item.name"
               @change="onToggle">
        <input v-if="editingName" ref="name" class="tp-input tp-name-input" v-model="nameDraft"
               :aria-label="'Name of ' + item.name" data-testid="name-input"
               @keydown.enter.prevent="saveName" @keydown.esc.prevent="cancelName" @blur="saveName"
               @focus="$emit('focusItem', item.id)">
        <span v-else ref="label" class="tp-name" data-testid="item-name"
              :role="editable ? 'button' : null" :tabindex="editable ? 0 : null"
              :aria-label="editable ? 'Rename ' + item.name : null" :title="editable ? 'Click to rename' : null"
              @click="startName" @keydown.enter.prevent="startName">{{ item.name }}</span>
        <span v-if="item.notes && !notesOpen && !editingName" class="tp-notes-preview">{{ item.notes }}</span>
        <span v-for="u in focusers || []" :key="u.id" class="tp-chip tp-presence" :style="{ background: u.color }"
              role="img" :aria-label="u.display_name + ' is editing'" :title="u.display_name + ' is editing'"
              data-testid="presence-chip">{{ u.initials }}</span>
      </div>
      <div class="tp-row-rest">
        <template v-if="editable">
          <label class="tp-qty"><span aria-hidden="true">×</span>
            <input type="number" min="0" max="9999" step="1" inputmode="numeric" class="tp-input tp-num"
                   :value="'quantity' in drafts ? drafts.quantity : item.quantity" :aria-label="'Quantity of ' + item.name"
                   @input="drafts.quantity = $event.target.value" @change="onQuantity"
                   @keydown.enter.prevent="$event.target.blur()"
                   @focus="startDraft('quantity', $event)" @blur="endDraft('quantity')"></label>
          <select class="tp-select" :aria-label="'Bag for ' + item.name" @change="onSelect('bag_id', $event)">
            <option value="" :selected="!item.bag_id">No bag</option>
            <option v-for="b in bags" :key="b.id" :value="b.id" :selected="b.id === item.bag_id">{{ b.name }}</option>
          </select>
          <select class="tp-select" :aria-label="'Traveler for ' + item.name"
                  @change="onSelect('traveler_id', $event)">
            <option value="" :selected="!item.traveler_id">Anyone</option>
            <option v-for="t in travelers" :key="t.id" :value="t.id" :selected="t.id === item.traveler_id">{{ t.name }}</option>
          </select>
          <label class="tp-weight">
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
        <button v-if="editable || item.notes" type="button" class="tp-icon-btn" :data-has-notes="item.notes ? '' : null"
                :aria-label="'Notes for ' + item.name" :aria-expanded="notesOpen ? 'true' : 'false'"
                :title="item.notes ? 'Notes' : 'Add notes'" @click="toggleNotes">
          <span class="material-icons" aria-hidden="true">{{ item.notes ? 'sticky_note_2' : 'note_add' }}</span></button>
        <span class="tp-attr" role="img" :aria-label="attribution" :title="attribution" data-testid="attribution">
          <span class="tp-chip" :style="{ background: creator.color }">{{ creator.initials }}</span>
          <span v-if="changer" class="tp-chip" :style="{ background: changer.color }">{{ changer.initials }}</span>
        </span>
        <template v-if="editable">
          <button type="button" class="tp-icon-btn" :aria-label="'Move ' + item.name + ' up'" :disabled="first"
                  title="Move up" @click="$emit('move', item, -1)">
            <span class="material-icons" aria-hidden="true">arrow_upward</span></button>
          <button type="button" class="tp-icon-btn" :aria-label="'Move ' + item.name + ' down'" :disabled="last"
                  title="Move down" @click="$emit('move', item, 1)">
            <span class="material-icons" aria-hidden="true">arrow_downward</span></button>
          <button type="button" class="tp-icon-btn" :aria-label="'Delete ' + item.name" title="Delete"
                  @click="$emit('remove', item)">
            <span class="material-icons" aria-hidden="true">delete_outline</span></button>
        </template>
      </div>
      <div v-if="notesOpen" class="tp-notes">
        <textarea v-if="editable" ref="notes" class="tp-input" rows="2" v-model="notesDraft"
                  :aria-label="'Notes for ' + item.name" data-testid="notes-input"
                  @focus="$emit('focusItem', item.id)" @blur="saveNotes" @keydown.esc.prevent="cancelNotes"></textarea>
        <div v-else class="tp-notes-text">{{ item.notes }}</div>
      </div>
    </div>`,
  data() {
    // drafts: what is typed in a number field while it has focus. Vue re-applies a bound `value` to the DOM whenever
    // the row re-renders (someone else's change to this item, an ack), which would wipe what is being typed.
    return { editingName: false, nameDraft: "", notesOpen: false, notesDraft: "", drafts: {} };
  },
  computed: {
    imperial() {
      return this.units === "imperial";
    },
    weightValue() {
      const g = this.item.weight_grams;
      if (g == null) return "";
      return this.imperial ? String(Math.round((g / GRAMS_PER_OZ) * 10) / 10) : String(g);
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
      return (this.members && this.members[id]) || UNKNOWN;
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
      if (name.length > NAME_MAX) {
        this.$emit("message", `Names can be at most ${NAME_MAX} characters; this one has ${name.length}.`);
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
      if (raw === "" || !Number.isInteger(n) || n < 0 || n > QUANTITY_MAX) {
        this.$emit("message", "The quantity must be a whole number from 0 to 9,999.");
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
      if (!this.notesOpen) return;
      const notes = this.notesDraft.replace(/\s+$/, "");
      if (notes.length > NOTES_MAX) {
        this.$emit("message", `Notes can be at most ${NOTES_MAX} characters.`);
        return;
      }
      if (notes !== (this.item.notes || "")) this.$emit("edit", this.item, { notes: notes || null });
      if (!notes) this.notesOpen = false;
    },
    cancelNotes() {
      this.notesOpen = false;
      this.$emit("blurItem", this.item.id);
    },
  },
};

export default {
  components: { "tp-item-row": ItemRow },
  props: {
    list: Object,
    me: Object,
    members: Object,
    canEdit: Boolean,
    units: { type: String, default: "metric" },
    presence: Array,
  },
  emits: ["op", "resync", "focus", "check"],
  template: `
    <div class="tp-items" data-testid="item-table">
      <div v-if="endedMessage" class="tp-banner" role="alert" data-testid="ended-banner">{{ endedMessage }}</div>
      <p v-else-if="!canEdit" class="tp-viewonly" data-testid="view-only">You can view this list; only editors can change it.</p>

      <div v-if="editable" class="tp-add">
        <input ref="add" class="tp-input tp-add-input" data-testid="add-item" aria-label="Add item"
               placeholder="Add an item — press Enter" autocomplete="off" enterkeyhint="enter" v-model="addText"
               @keydown.enter="onAddEnter" @paste="onAddPaste">
        <select class="tp-select" v-model="addCategory" aria-label="Category for new items" data-testid="add-category">
          <option value="">No category</option>
          <option v-for="c in lists.categories" :key="c.id" :value="c.id">{{ c.name }}</option>
        </select>
      </div>

      <div v-if="totals.total" class="tp-filters" role="search">
        <input class="tp-input tp-search" type="search" v-model="searchText" aria-label="Search items"
               placeholder="Search" data-testid="search">
        <select class="tp-select" v-model="bagFilter" aria-label="Filter by bag" data-testid="bag-filter">
          <option value="">All bags</option>
          <option value="none">No bag</option>
          <option v-for="b in lists.bags" :key="b.id" :value="b.id">{{ b.name }}</option>
        </select>
        <select class="tp-select" v-model="travelerFilter" aria-label="Filter by traveler" data-testid="traveler-filter">
          <option value="">All travelers</option>
          <option value="none">No traveler</option>
          <option v-for="t in lists.travelers" :key="t.id" :value="t.id">{{ t.name }}</option>
        </select>
        <label class="tp-toggle"><input type="checkbox" v-model="unpackedOnly" data-testid="unpacked-only"> Unpacked only</label>
        <button v-if="editable && totals.packed" type="button" class="tp-btn" data-testid="unpack-all"
                @click="askUnpackAll">Unpack all</button>
      </div>

      <div v-if="totals.total" class="tp-totals">
        <div class="tp-progress" data-testid="progress" role="progressbar" aria-label="Packed" aria-valuemin="0"
             :aria-valuemax="totals.total" :aria-valuenow="totals.packed" :aria-valuetext="progressText">
          <span class="tp-progress-text">{{ progressText }}</span>
          <div class="tp-bar"><div class="tp-bar-fill" :style="{ width: percent(totals.packed, totals.total) + '%' }"></div></div>
        </div>
        <div v-if="totals.travelers.length" class="tp-sub" data-testid="traveler-progress">
          <span v-for="t in totals.travelers" :key="t.id" class="tp-sub-item" :data-traveler-id="t.id">
            {{ t.name }} {{ t.packed }}/{{ t.total }}
            <span class="tp-mini" aria-hidden="true"><span :style="{ width: percent(t.packed, t.total) + '%' }"></span></span>
          </span>
        </div>
        <div v-if="totals.bags.length" class="tp-sub" data-testid="bag-weights">
          <span v-for="b in totals.bags" :key="b.id" class="tp-sub-item" :data-bag-id="b.id">{{ b.name }} {{ bagWeight(b.grams) }}</span>
        </div>
      </div>

      <details class="tp-organise" data-testid="organise" :open="organiseOpen" @toggle="organiseOpen = $event.target.open">
        <summary>Organise categories, bags and travelers</summary>
        <div class="tp-org-grid">
          <section v-for="sec in organise" :key="sec.kind" class="tp-org" :data-testid="'organise-' + sec.kind">
            <h4>{{ sec.title }}</h4>
            <ul>
              <li v-for="e in sec.entries" :key="e.id" :data-entity-id="e.id">
                <input v-if="renaming && renaming.id === e.id" class="tp-input" v-model="renaming.name"
                       :aria-label="'Name of ' + sec.noun + ' ' + e.name" :ref="setRenameRef"
                       @keydown.enter.prevent="saveRename" @keydown.esc.prevent="renaming = null" @blur="saveRename">
                <span v-else class="tp-name" :role="editable ? 'button' : null"
                      :tabindex="editable ? 0 : null" :aria-label="editable ? 'Rename ' + sec.noun + ' ' + e.name : null"
                      @click="startRename(sec.kind, e)" @keydown.enter.prevent="startRename(sec.kind, e)">{{ e.name }}</span>
                <button v-if="editable" type="button" class="tp-icon-btn" :aria-label="'Delete ' + sec.noun + ' ' + e.name"
                        title="Delete" @click="askDeleteEntity(sec.kind, e)">
                  <span class="material-icons" aria-hidden="true">delete_outline</span></button>
              </li>
              <li v-if="!sec.entries.length" class="tp-muted">None yet.</li>
            </ul>
            <input v-if="editable" class="tp-input" :placeholder="'Add a ' + sec.noun + ' — press Enter'"
                   :aria-label="'Add ' + sec.noun" :data-testid="'add-' + sec.kind" @keydown.enter="onAddEntity(sec.kind, $event)">
          </section>
        </div>
      </details>

      <div v-if="!totals.total" class="tp-empty" data-testid="empty">
        {{ editable ? 'Nothing to pack yet. Type an item above and press Enter — or paste a whole list.' : 'Nothing to pack yet.' }}
      </div>
      <div v-else-if="!groups.length" class="tp-empty" data-testid="no-match">
        No items match these filters.
        <button type="button" class="tp-btn" @click="clearFilters">Clear filters</button>
      </div>
      <section v-for="g in groups" :key="g.id || ''" class="tp-group" data-testid="group" :data-category-id="g.id || ''">
        <header class="tp-group-head">
          <h3 class="tp-group-name">{{ g.name }}</h3>
          <span class="tp-group-count" :aria-label="g.packed + ' of ' + g.total + ' packed'">{{ g.packed }}/{{ g.total }}</span>
        </header>
        <tp-item-row v-for="(item, i) in g.items" :key="item.id" :item="item" :bags="lists.bags"
                     :travelers="lists.travelers" :editable="editable" :units="units" :members="members" :me="me"
                     :focusers="focusMap.get(item.id) || null" :now-tick="nowTick" :first="i === 0"
                     :last="i === g.items.length - 1"
                     @toggle="onToggle" @edit="onEdit" @remove="onRemove" @move="onMove"
                     @focus-item="onFocusItem" @blur-item="onBlurItem" @message="toast"></tp-item-row>
      </section>

      <div class="tp-toasts" aria-live="polite">
        <div v-for="t in toasts" :key="t.id" class="tp-toast" role="status" data-testid="toast">
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
      </div>
    </div>`,
  data() {
    return {
      rev: 0, // bumped whenever the non-reactive server state or pending ops change
      meta: {},
      version: 0,
      endedMessage: "",
      presenceUsers: this.presence || [],
      addText: "",
      addCategory: "",
      searchText: "",
      search: "",
      bagFilter: "",
      travelerFilter: "",
      unpackedOnly: false,
      organiseOpen: false,
      renaming: null,
      confirmState: null,
      toasts: [],
      nowTick: Date.now(),
    };
  },
  created() {
    // deliberately not reactive: a thousand frozen entities in Maps; `rev` tells Vue when they changed
    this.S = { items: new Map(), categories: new Map(), bags: new Map(), travelers: new Map() };
    this.grave = new Map(); // id -> last known entity of deleted things, for optimistic restores
    this.pending = []; // [{op, at, tries}]
    this.recent = new Map(); // op_id -> op, for acks that arrive after the delta cleared the op
    this.overlay = new Map(); // op_id -> {base, result}: keeps optimistic entities stable between renders
    this.undoStack = [];
    this.awaitingLoad = false;
    this.toastSeq = 0;
    this.focusedId = null;
    this.applySnapshot(this.list || {});
  },
  mounted() {
    injectStyle();
    this.dead = false;
    this.attachSocket();
    this.keyHandler = (e) => this.onKey(e);
    document.addEventListener("keydown", this.keyHandler);
    this.timer = setInterval(() => this.tick(), CHECK_MS);
  },
  unmounted() {
    this.dead = true;
    clearTimeout(this.socketTimer);
    clearTimeout(this.blurTimer);
    clearInterval(this.timer);
    document.removeEventListener("keydown", this.keyHandler);
    if (this.socket) for (const [name, fn] of Object.entries(this.socketHandlers)) this.socket.off(name, fn);
    for (const t of this.toasts) clearTimeout(t.timer);
  },
  watch: {
    presence(value) {
      this.presenceUsers = value || [];
    },
    searchText(value) {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => (this.search = value.trim().toLowerCase()), 120);
    },
    confirmState(value) {
      if (value) this.$nextTick(() => this.$refs.confirmOk && this.$refs.confirmOk.focus());
    },
  },
  computed: {
    editable() {
      return this.canEdit && !this.endedMessage;
    },
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
    groups() {
      const v = this.view;
      const q = this.search;
      const bag = this.bagFilter;
      const trav = this.travelerFilter;
      const unpacked = this.unpackedOnly;
      const buckets = new Map();
      for (const c of this.lists.categories) buckets.set(c.id, { id: c.id, name: c.name, items: [], packed: 0, total: 0 });
      const none = { id: null, name: "Uncategorised", items: [], packed: 0, total: 0 };
      for (const item of v.items.values()) {
        const b = (item.category_id && buckets.get(item.category_id)) || none;
        b.total++;
        if (item.packed) b.packed++;
        if (unpacked && item.packed) continue;
        if (bag && (bag === "none" ? item.bag_id : item.bag_id !== bag)) continue;
        if (trav && (trav === "none" ? item.traveler_id : item.traveler_id !== trav)) continue;
        if (q && !item.name.toLowerCase().includes(q) && !(item.notes && item.notes.toLowerCase().includes(q))) continue;
        b.items.push(item);
      }
      const out = [];
      for (const b of [...buckets.values(), none]) {
        if (!b.items.length) continue;
        b.items.sort(byPosition);
        out.push(b);
      }
      return out;
    },
    totals() {
      const v = this.view;
      const travelers = new Map(this.lists.travelers.map((t) => [t.id, { id: t.id, name: t.name, packed: 0, total: 0 }]));
      const bags = new Map(this.lists.bags.map((b) => [b.id, { id: b.id, name: b.name, grams: 0 }]));
      let packed = 0;
      let total = 0;
      for (const item of v.items.values()) {
        total++;
        if (item.packed) packed++;
        const t = item.traveler_id && travelers.get(item.traveler_id);
        if (t) {
          t.total++;
          if (item.packed) t.packed++;
        }
        const b = item.bag_id && bags.get(item.bag_id);
        if (b && item.weight_grams) b.grams += item.weight_grams * (item.quantity || 0); // weight is per piece
      }
      return { packed, total, travelers: [...travelers.values()], bags: [...bags.values()] };
    },
    progressText() {
      return `${this.totals.packed} / ${this.totals.total} packed`;
    },
    focusMap() {
      const map = new Map();
      const meId = this.me && this.me.id;
      for (const u of this.presenceUsers || []) {
        if (!u.item_id || u.id === meId) continue;
        if (!map.has(u.item_id)) map.set(u.item_id, []);
        map.get(u.item_id).push(u);
      }
      return map;
    },
    organise() {
      return [
        { kind: "category", noun: "category", title: "Categories", entries: this.lists.categories },
        { kind: "bag", noun: "bag", title: "Bags", entries: this.lists.bags },
        { kind: "traveler", noun: "traveler", title: "Travelers", entries: this.lists.travelers },
      ];
    },
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
    ended(message) {
      this.endedMessage = message || "You no longer have access to this list.";
      this.confirmState = null;
      this.renaming = null;
    },

    // --- server state ----------------------------------------------------------------------------------------
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
    takePending(opId) {
      const i = this.pending.findIndex((p) => p.op.op_id === opId);
      if (i < 0) return null;
      return this.pending.splice(i, 1)[0].op;
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
      if (ch.conflicts && !mine && MAPS[kind]) {
        for (const c of ch.conflicts) {
          if (!c.by || c.by.id !== this.me.id) continue;
          const now = ch.entity[c.field];
          const text = `${ch.actor.display_name} set ${FIELD_WORDS[c.field] || c.field} to ${this.fmt(c.field, now)}; `
            + `your ${this.fmt(c.field, c.value)} was replaced — use yours?`;
          const id = ch.entity.id;
          this.toast(text, { label: "Use yours", run: () => this.sendUpdate(kind, id, { [c.field]: c.value }) });
        }
      }
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

    // --- row events ------------------------------------------------------------------------------------------
    onToggle(item, packed) {
      if (packed !== item.packed) this.sendUpdate("item", item.id, { packed });
    },
    onEdit(item, fields) {
      this.sendUpdate("item", item.id, fields);
    },
    onRemove(item) {
      if (!this.send([this.makeOp("item.delete", item.id)], [{ type: "item.restore", id: item.id }])) return;
      this.grave.set(item.id, item);
      this.toast(`Removed ${item.name}`, { label: "Undo", run: () => this.send([this.makeOp("item.restore", item.id)]) });
    },
    onMove(item, dir) {
      const group = this.groups.find((g) => g.items.includes(item));
      if (!group) return;
      const rows = group.items;
      const i = rows.indexOf(item);
      const j = i + dir;
      if (j < 0 || j >= rows.length) return;
      const near = rows[j].position;
      const far = rows[j + dir] ? rows[j + dir].position : near + dir;
      const position = (near + far) / 2;
      if (position !== near && position !== far && (position - near) * dir > 0) {
        this.sendUpdate("item", item.id, { position });
        return;
      }
      // equal positions leave no room in between: renumber the group once, with the two rows swapped
      const order = rows.slice();
      [order[i], order[j]] = [order[j], order[i]];
      const ops = [];
      const undo = [];
      order.forEach((row, k) => {
        if (row.position === k + 1) return;
        ops.push(this.makeOp("item.update", row.id, { position: k + 1 }));
        undo.push({ type: "item.update", id: row.id, fields: { position: row.position } });
      });
      this.send(ops, undo);
    },
    onFocusItem(id) {
      clearTimeout(this.blurTimer);
      if (this.focusedId === id) return;
      this.focusedId = id;
      this.$emit("focus", { item_id: id });
    },
    onBlurItem() {
      clearTimeout(this.blurTimer);
      // moving between two editors of one row should not flicker the others' focus mark
      this.blurTimer = setTimeout(() => {
        if (this.focusedId === null) return;
        this.focusedId = null;
        this.$emit("focus", { item_id: null });
      }, 150);
    },
    onKey(e) {
      if (!(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || (e.key || "").toLowerCase() !== "z") return;
      if (!this.editable || isTextField(e.target) || this.confirmState) return;
      e.preventDefault();
      this.undo();
    },

    // --- adding items ----------------------------------------------------------------------------------------
    onAddEnter(e) {
      if (e.isComposing) return;
      e.preventDefault();
      const name = cleanName(this.addText);
      if (!name) return;
      if (name.length > NAME_MAX) {
        this.toast(`Names can be at most ${NAME_MAX} characters; this one has ${name.length}.`);
        return;
      }
      this.addItems([name]);
      this.addText = "";
    },
    onAddPaste(e) {
      const text = e.clipboardData && e.clipboardData.getData("text");
      if (!text || !/[\r\n]/.test(text)) return; // one line: let the browser paste it into the field
      e.preventDefault();
      const el = e.target;
      const full = el.value.slice(0, el.selectionStart) + text + el.value.slice(el.selectionEnd);
      const names = full.split(/\r\n|\r|\n/).map((line) => cleanName(line.replace(/^\s*(?:[-*•–]|\[[ xX]?\])\s+/, "")));
      const ok = names.filter((n) => n && n.length <= NAME_MAX);
      const tooLong = names.filter((n) => n.length > NAME_MAX).length;
      if (tooLong) {
        this.toast(`${tooLong === 1 ? "One line was" : tooLong + " lines were"} longer than ${NAME_MAX} characters and not added.`);
      }
      this.addItems(ok);
      this.addText = "";
      this.$nextTick(() => this.$refs.add && this.$refs.add.focus());
    },
    addItems(names) {
      if (!names.length) return;
      const category = this.addCategory && this.view.categories.has(this.addCategory) ? this.addCategory : null;
      const ops = names.map((name) => {
        const fields = { name };
        if (category) fields.category_id = category;
        return this.makeOp("item.create", uuid4(), fields);
      });
      this.send(ops, ops.map((op) => ({ type: "item.delete", id: op.id })));
    },

    // --- list-wide actions -----------------------------------------------------------------------------------
    askUnpackAll() {
      const packed = [...this.view.items.values()].filter((i) => i.packed);
      if (!packed.length) return;
      const n = packed.length;
      this.confirmState = {
        text: `Unpack all ${n} packed item${n === 1 ? "" : "s"}?`,
        okLabel: "Unpack all",
        run: () => this.send(
          packed.map((i) => this.makeOp("item.update", i.id, { packed: false })),
          packed.map((i) => ({ type: "item.update", id: i.id, fields: { packed: true } })),
        ),
      };
    },
    confirmOk() {
      const state = this.confirmState;
      this.confirmState = null;
      if (state) state.run();
    },
    clearFilters() {
      this.searchText = "";
      this.search = "";
      this.bagFilter = "";
      this.travelerFilter = "";
      this.unpackedOnly = false;
    },

    // --- categories, bags, travelers -------------------------------------------------------------------------
    onAddEntity(kind, e) {
      if (e.isComposing) return;
      e.preventDefault();
      const name = cleanName(e.target.value);
      if (!name) return;
      if (name.length > NAME_MAX) {
        this.toast(`Names can be at most ${NAME_MAX} characters; this one has ${name.length}.`);
        return;
      }
      const op = this.makeOp(`${kind}.create`, uuid4(), { name });
      if (this.send([op], [{ type: `${kind}.delete`, id: op.id }])) e.target.value = "";
    },
    startRename(kind, entity) {
      if (!this.editable) return;
      this.renaming = { kind, id: entity.id, name: entity.name, original: entity.name };
    },
    setRenameRef(el) {
      if (el && el !== this.renameEl) {
        this.renameEl = el;
        this.$nextTick(() => {
          el.focus();
          el.select();
        });
      } else if (!el) {
        this.renameEl = null;
      }
    },
    saveRename() {
      const r = this.renaming;
      if (!r) return;
      const name = cleanName(r.name);
      if (name.length > NAME_MAX) {
        this.toast(`Names can be at most ${NAME_MAX} characters; this one has ${name.length}.`);
        return;
      }
      this.renaming = null;
      if (name && name !== r.original) this.sendUpdate(r.kind, r.id, { name });
    },
    askDeleteEntity(kind, entity) {
      const field = `${kind}_id`;
      let n = 0;
      for (const item of this.view.items.values()) if (item[field] === entity.id) n++;
      const what = kind === "category" ? "uncategorised" : "unassigned";
      const items = n === 0 ? "No items use it." : `Its ${n} item${n === 1 ? "" : "s"} will become ${what}; none are deleted.`;
      this.confirmState = {
        text: `Delete ${NOUNS[kind]} ${entity.name}? ${items}`,
        okLabel: "Delete",
        danger: true,
        run: () => {
          if (this.send([this.makeOp(`${kind}.delete`, entity.id)], [{ type: `${kind}.restore`, id: entity.id }])) {
            this.grave.set(entity.id, entity);
          }
        },
      };
    },

    // --- messages --------------------------------------------------------------------------------------------
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
      if (field === "weight_grams") return this.weightText(value);
      const lookup = { bag_id: "bags", traveler_id: "travelers", category_id: "categories" }[field];
      if (lookup) {
        const e = this.view[lookup].get(value) || this.grave.get(value);
        return e ? e.name : "another one";
      }
      return String(value);
    },
    weightText(grams) {
      if (this.units === "imperial") return `${Math.round((grams / GRAMS_PER_OZ) * 10) / 10} oz`;
      return `${grams} g`;
    },
    bagWeight(grams) {
      if (this.units === "imperial") return `${(grams / GRAMS_PER_LB).toFixed(1)} lb`;
      return `${(grams / 1000).toFixed(1)} kg`;
    },
    percent(part, whole) {
      return whole ? Math.round((part / whole) * 100) : 0;
    },
    toast(text, action = null) {
      const id = ++this.toastSeq;
      const t = { id, text, action, timer: setTimeout(() => this.dismiss(id), TOAST_MS) };
      this.toasts.push(t);
      while (this.toasts.length > 4) this.dismiss(this.toasts[0].id);
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
  },
};

// The whole item area of a list page, rendered in the browser; the root of the `travelpack-item-table` modules.
//
// A thousand rows as server elements would cost each tab megabytes, so the table keeps the list's state here and
// renders it: server state with this tab's pending ops on top (state.js), kept current by the room's deltas, every
// change sent as an op (sync.js), one child component per row (item_row.js), the add field (add_items.js), the
// organise panel (organise.js), toasts and confirmations (messages.js), words and numbers (format.js), the CSS
// (style.js), filters and totals (filters.js). What stays here: the layout, row events turned into ops, keyboard
// undo, and the read-only state once access ends. The modules are mixins sharing one `this`: a split by concern,
// not new state.

import { serverState } from "travelpack-item-table/state.js";
import { socketSync } from "travelpack-item-table/sync.js";
import { offlineCopy } from "travelpack-item-table/offline.js";
import { ItemRow } from "travelpack-item-table/item_row.js";
import { ORGANISE_TEMPLATE, organisePanel } from "travelpack-item-table/organise.js";
import { MESSAGES_TEMPLATE, messages } from "travelpack-item-table/messages.js";
import { ADD_ITEMS_TEMPLATE, addItemsField } from "travelpack-item-table/add_items.js";
import { rowLayout } from "travelpack-item-table/row_layout.js";
import { filtersAndTotals } from "travelpack-item-table/filters.js";
import "travelpack-item-table/style.js";

export default {
  components: { "tp-item-row": ItemRow },
  mixins: [serverState, socketSync, offlineCopy, messages, addItemsField, organisePanel, rowLayout, filtersAndTotals],
  props: {
    list: Object,
    me: Object,
    members: Object,
    canEdit: Boolean,
    units: { type: String, default: "metric" },
    presence: Array,
    limits: Object, // {name, notes, quantity}: the server's own limits, so the browser refuses what it would
  },
  emits: ["op", "resync", "focus", "check"],
  template: `
    <div class="tp-items" data-testid="item-table">
      <p class="tp-sync" role="status" data-testid="sync-status" :data-online="online ? 'true' : 'false'">{{ syncStatus }}</p>
      <div v-if="endedMessage" class="tp-banner" role="alert" data-testid="ended-banner">{{ endedMessage }}</div>
      <p v-else-if="!canEdit" class="tp-viewonly" data-testid="view-only">You can view this list; only editors can change it.</p>

${ADD_ITEMS_TEMPLATE}

      <div v-if="totals.total && filtersShown" class="tp-filters" role="search">
        <input class="tp-input tp-search" type="search" v-model="searchText" aria-label="Search items"
               placeholder="Search" data-testid="search">
        <select v-if="lists.bags.length || bagFilter" class="tp-select" v-model="bagFilter" aria-label="Filter by bag"
                data-testid="bag-filter">
          <option value="">All bags</option>
          <option value="none">No bag</option>
          <option v-for="b in lists.bags" :key="b.id" :value="b.id">{{ b.name }}</option>
        </select>
        <select v-if="lists.travelers.length || travelerFilter" class="tp-select" v-model="travelerFilter"
                aria-label="Filter by traveler" data-testid="traveler-filter">
          <option value="">All travelers</option>
          <option value="mine" data-testid="mine">Mine</option>
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
      <button v-if="compact && totals.total" type="button" class="tp-icon-btn tp-filter-toggle" data-testid="filter-toggle"
              aria-label="Search and filter" :aria-expanded="filtersShown ? 'true' : 'false'"
              @click="filtersOpen = !filtersOpen"><span class="material-icons" aria-hidden="true">search</span></button>

${ORGANISE_TEMPLATE}

      <div v-if="!totals.total && !endedMessage" class="tp-empty" data-testid="empty">
        {{ editable ? 'Nothing to pack yet. Type an item above and press Enter — or paste a whole list.' : 'Nothing to pack yet.' }}
      </div>
      <div v-else-if="!groups.length" class="tp-empty" data-testid="no-match">
        No items match these filters.
        <button type="button" class="tp-btn" @click="clearFilters">Clear filters</button>
      </div>
      <section v-for="g in groups" :key="g.id || ''" class="tp-group" data-testid="group" :data-category-id="g.id || ''">
        <header v-if="lists.categories.length" class="tp-group-head">
          <h3 class="tp-group-name">{{ g.name }}</h3>
          <span class="tp-group-count" :aria-label="g.packed + ' of ' + g.total + ' packed'">{{ g.packed }}/{{ g.total }}</span>
        </header>
        <tp-item-row v-for="(item, i) in g.items" :key="item.id" :item="item" :bags="lists.bags"
                     :travelers="lists.travelers" :editable="editable" :units="units" :members="members" :me="me"
                     :focusers="focusMap.get(item.id) || null" :now-tick="nowTick" :limits="limits" :first="i === 0"
                     :last="i === g.items.length - 1" :compact="compact" :open="openId === item.id"
                     @open="onOpenRow" @toggle="onToggle" @edit="onEdit" @remove="onRemove" @move="onMove"
                     @focus-item="onFocusItem" @blur-item="onBlurItem" @message="toast"></tp-item-row>
      </section>

${MESSAGES_TEMPLATE}
    </div>`,
  data() {
    return {
      endedMessage: "",
      presenceUsers: this.presence || [],
      nowTick: Date.now(),
    };
  },
  created() {
    this.focusedId = null;
    this.applySnapshot(this.list || {});
  },
  mounted() {
    this.keyHandler = (e) => this.onKey(e);
    document.addEventListener("keydown", this.keyHandler);
  },
  unmounted() {
    clearTimeout(this.blurTimer);
    document.removeEventListener("keydown", this.keyHandler);
  },
  watch: {
    presence(value) {
      this.presenceUsers = value || [];
    },
  },
  computed: {
    editable() {
      return this.canEdit && !this.endedMessage;
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
  },
  methods: {
    ended(message) {
      // access ended: the list's content leaves the screen and memory, not only the controls
      this.endedMessage = message || "You no longer have access to this list.";
      this.forgetList();
      this.confirmState = null;
      this.renaming = null;
      this.pending = [];
      this.grave.clear();
      this.overlay.clear();
      this.applySnapshot({});
      this.rev++;
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
  },
};

function isTextField(el) {
  if (!el) return false;
  if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
  if (el.tagName !== "INPUT") return false;
  return !["checkbox", "radio", "button", "submit", "reset", "range", "color"].includes(el.type);
}

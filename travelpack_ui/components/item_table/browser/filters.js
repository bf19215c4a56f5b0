// Filters and totals of the item table: search, bag, traveler ("Mine" included) and unpacked-only filters, the
// groups by category that the rows are rendered from, and the packed counts and bag weights above them. A mixin of
// the root component (item_table.js), sharing its `this`: `view` and `lists` come from state.js.

import { byPosition } from "travelpack-item-table/state.js";
import { bagWeight, percent } from "travelpack-item-table/format.js";

export const filtersAndTotals = {
  data() {
    return {
      searchText: "",
      search: "",
      bagFilter: "",
      travelerFilter: "",
      unpackedOnly: false,
    };
  },
  watch: {
    searchText(value) {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => (this.search = value.trim().toLowerCase()), 120);
    },
  },
  computed: {
    groups() {
      const v = this.view;
      const q = this.search;
      const bag = this.bagFilter;
      const trav = this.travelerFilter;
      const mine = this.myTravelers;
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
        if (trav === "mine") {
          if (!mine.has(item.traveler_id)) continue;
        } else if (trav && (trav === "none" ? item.traveler_id : item.traveler_id !== trav)) continue;
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
    myTravelers() {
      // "Mine": the items assigned to a traveler linked to me
      const meId = this.me && this.me.id;
      return new Set(this.lists.travelers.filter((t) => meId && t.user_id === meId).map((t) => t.id));
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
  },
  methods: {
    clearFilters() {
      this.searchText = "";
      this.search = "";
      this.bagFilter = "";
      this.travelerFilter = "";
      this.unpackedOnly = false;
    },
    bagWeight(grams) {
      return bagWeight(grams, this.units);
    },
    percent,
  },
};

// The organise panel: the list's categories, bags and travelers, each added, renamed in place or deleted (after a
// confirmation that says what happens to their items). A mixin of the table, with the template part it renders;
// its changes go out as ops like any other.

import { cleanName, nameTooLong } from "travelpack-item-table/format.js";
import { uuid4 } from "travelpack-item-table/sync.js";

const NOUNS = { category: "category", bag: "bag", traveler: "traveler" };

export const ORGANISE_TEMPLATE = `
      <details class="tp-organise" data-testid="organise" :open="organiseOpen" @toggle="organiseOpen = $event.target.open">
        <summary>Organise<span class="tp-wide"> categories, bags and travelers</span></summary>
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
      </details>`;

export const organisePanel = {
  data() {
    return { organiseOpen: false, renaming: null };
  },
  computed: {
    organise() {
      return [
        { kind: "category", noun: "category", title: "Categories", entries: this.lists.categories },
        { kind: "bag", noun: "bag", title: "Bags", entries: this.lists.bags },
        { kind: "traveler", noun: "traveler", title: "Travelers", entries: this.lists.travelers },
      ];
    },
  },
  methods: {
    onAddEntity(kind, e) {
      if (e.isComposing) return;
      e.preventDefault();
      const name = cleanName(e.target.value);
      if (!name) return;
      if (name.length > this.limits.name) {
        this.toast(nameTooLong(this.limits.name, name.length));
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
      if (name.length > this.limits.name) {
        this.toast(nameTooLong(this.limits.name, name.length));
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
  },
};

// The organise panel: the list's categories, bags and travelers, each added, renamed in place or deleted (after a
// confirmation that says what happens to their items). A traveler may be linked to a member of the list (then the
// items assigned to it are that member's: the "Mine" filter, notifications), and each member not yet linked is
// offered as a traveler by name. A mixin of the table, with the template part it renders; its changes go out as ops
// like any other.

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
                <select v-if="sec.kind === 'traveler' && (editable || e.user_id)" class="tp-select" style="flex:0 1 120px"
                        :disabled="!editable" :value="e.user_id || ''" :aria-label="'Who ' + e.name + ' is'"
                        :data-testid="'traveler-person-' + e.id" @change="linkPerson(e, $event.target.value)">
                  <option value="">Not linked</option>
                  <option v-for="m in memberChoices" :key="m.id" :value="m.id">{{ m.display_name }}</option>
                  <option v-if="e.user_id && !memberIds.has(e.user_id)" :value="e.user_id">Not a member any more</option>
                </select>
                <button v-if="editable" type="button" class="tp-icon-btn" :aria-label="'Delete ' + sec.noun + ' ' + e.name"
                        title="Delete" @click="askDeleteEntity(sec.kind, e)">
                  <span class="material-icons" aria-hidden="true">delete_outline</span></button>
              </li>
              <li v-if="!sec.entries.length" class="tp-muted">None yet.</li>
            </ul>
            <div v-if="sec.kind === 'traveler' && editable && unlinkedMembers.length" class="tp-org-people"
                 style="display:flex;flex-wrap:wrap;gap:4px;margin-bottom:6px" data-testid="member-travelers">
              <button v-for="m in unlinkedMembers" :key="m.id" type="button" class="tp-btn"
                      :aria-label="'Add ' + m.display_name + ' as a traveler'" :data-testid="'add-member-' + m.id"
                      @click="addMemberTraveler(m)">+ {{ m.display_name }}</button>
            </div>
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
    memberChoices() {
      // `members` names everyone who appears on the list; only current members may be linked to a traveler
      return Object.entries(this.members || {})
        .filter(([, m]) => m.member)
        .map(([id, m]) => ({ id, display_name: m.display_name }))
        .sort((a, b) => a.display_name.localeCompare(b.display_name));
    },
    memberIds() {
      return new Set(this.memberChoices.map((m) => m.id));
    },
    unlinkedMembers() {
      const linked = new Set(this.lists.travelers.map((t) => t.user_id).filter(Boolean));
      return this.memberChoices.filter((m) => !linked.has(m.id));
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
    linkPerson(traveler, userId) {
      if ((traveler.user_id || "") !== userId) this.sendUpdate("traveler", traveler.id, { user_id: userId || null });
    },
    addMemberTraveler(member) {
      const name = cleanName(member.display_name).slice(0, this.limits.name);
      const op = this.makeOp("traveler.create", uuid4(), { name, user_id: member.id });
      this.send([op], [{ type: "traveler.delete", id: op.id }]);
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

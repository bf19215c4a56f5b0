// The add field: one item per Enter, or a pasted list as one item per line (bullets and check boxes stripped), all
// into the category chosen next to it. Names longer than the server's limit are refused here with a sentence. A
// mixin of the table, with the template part it renders.

import { cleanName, nameTooLong } from "travelpack-item-table/format.js";
import { uuid4 } from "travelpack-item-table/sync.js";

export const ADD_ITEMS_TEMPLATE = `
      <div v-if="editable" class="tp-add">
        <input ref="add" class="tp-input tp-add-input" data-testid="add-item" aria-label="Add item"
               placeholder="Add an item — press Enter" autocomplete="off" enterkeyhint="enter" v-model="addText"
               @keydown.enter="onAddEnter" @paste="onAddPaste">
        <select v-if="lists.categories.length" class="tp-select" v-model="addCategory" aria-label="Category for new items"
                data-testid="add-category">
          <option value="">No category</option>
          <option v-for="c in lists.categories" :key="c.id" :value="c.id">{{ c.name }}</option>
        </select>
      </div>`;

export const addItemsField = {
  data() {
    return { addText: "", addCategory: "" };
  },
  methods: {
    onAddEnter(e) {
      if (e.isComposing) return;
      e.preventDefault();
      const name = cleanName(this.addText);
      if (!name) return;
      if (name.length > this.limits.name) {
        this.toast(nameTooLong(this.limits.name, name.length));
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
      const max = this.limits.name;
      const ok = names.filter((n) => n && n.length <= max);
      const tooLong = names.filter((n) => n.length > max).length;
      if (tooLong) {
        this.toast(`${tooLong === 1 ? "One line was" : tooLong + " lines were"} longer than ${max} characters and not added.`);
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
  },
};

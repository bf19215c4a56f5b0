// Words and numbers as people read them: field names in sentences, "5 min ago", weights in the chosen units, and
// the sentences for input the server would refuse. Pure functions, so rows and the table word things alike.

export const FIELD_WORDS = {
  quantity: "the quantity", name: "the name", packed: "packed", notes: "the notes", weight_grams: "the weight",
  bag_id: "the bag", traveler_id: "the traveler", category_id: "the category", position: "the order",
};
export const UNKNOWN_PERSON = Object.freeze({ display_name: "Someone", initials: "?", color: "#9e9e9e" });
export const GRAMS_PER_OZ = 28.3495;
const GRAMS_PER_LB = 453.59237;

export function cleanName(text) {
  // the server refuses control characters; tabs from a pasted spreadsheet become spaces
  return String(text || "").normalize("NFC").replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
}

export function nameTooLong(max, length) {
  return `Names can be at most ${max} characters; this one has ${length}.`;
}

export function quantityOutOfRange(max) {
  return `The quantity must be a whole number from 0 to ${max.toLocaleString("en-US")}.`;
}

export function ago(iso, now) {
  const t = Date.parse(iso);
  if (!t) return "";
  const s = Math.max(0, (now - t) / 1000);
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  const d = Math.round(s / 86400);
  return d === 1 ? "yesterday" : `${d} days ago`;
}

export function ounces(grams) {
  return Math.round((grams / GRAMS_PER_OZ) * 10) / 10;
}

export function weightText(grams, units) {
  if (units === "imperial") return `${ounces(grams)} oz`;
  return `${grams} g`;
}

export function bagWeight(grams, units) {
  if (units === "imperial") return `${(grams / GRAMS_PER_LB).toFixed(1)} lb`;
  return `${(grams / 1000).toFixed(1)} kg`;
}

export function percent(part, whole) {
  return whole ? Math.round((part / whole) * 100) : 0;
}

/** What a person did, in words, for changes the server refused: the text they typed stays readable. */
export function describeOps(ops, lookup) {
  const words = [];
  for (const op of ops) {
    const [kind, verb] = op.type.split(".");
    const known = lookup(op.id);
    const name = (known && known.name) || (op.fields && op.fields.name) || kind;
    const f = op.fields || {};
    if (verb === "create") words.push(`added “${f.name || name}”`);
    else if (verb === "delete") words.push(`removed ${name}`);
    else if (verb === "restore") words.push(`restored ${name}`);
    else if ("name" in f) words.push(`renamed ${known ? known.name : kind} to “${f.name}”`);
    else if ("packed" in f && Object.keys(f).length === 1) words.push(`${f.packed ? "packed" : "unpacked"} ${name}`);
    else for (const [k, v] of Object.entries(f)) words.push(`set ${FIELD_WORDS[k] || k} of ${name} to ${v ?? "nothing"}`);
  }
  return words.join("; ") + ".";
}

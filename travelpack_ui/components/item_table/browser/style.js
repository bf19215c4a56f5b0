// Loads item_table.css once per page, as a <link> next to this module: the file is served under /_nicegui/ with
// long-lived caching, so a page does not carry the CSS in its own (no-store) bytes. Evaluating this module waits for
// the sheet (top-level await), and NiceGUI mounts the app only after its imports are evaluated: the first render is
// styled, as it was when the CSS was injected inline.

const LINK_ID = "tp-item-table-style";

function loadStyle() {
  if (document.getElementById(LINK_ID)) return Promise.resolve();
  const link = document.createElement("link");
  link.id = LINK_ID;
  link.rel = "stylesheet";
  link.href = new URL("./item_table.css", import.meta.url).href;
  // a failed sheet must not keep the list from showing: an unstyled table beats no table
  const loaded = new Promise((resolve) => {
    link.onload = resolve;
    link.onerror = resolve;
  });
  document.head.appendChild(link);
  return loaded;
}

await loadStyle();

// Opening a list offline: the service worker (/sw.js, scope "/") serves the last copy of the page when the network
// fails, and the table replaces the page's snapshot with the newer state it kept in IndexedDB (outbox.js). The
// list's first load happened before the worker controlled the page, so once it does, this module puts the page and
// the NiceGUI files it loaded into the worker's caches. Controls that need the server are marked `tp-needs-server`
// by the page and disabled here while offline.

import { loadSnapshot, saveSnapshot } from "travelpack-item-table/outbox.js";

const PAGES = "tp-pages-v1";
const FILES = "tp-files-v1";
const SAVE_AFTER_MS = 2000; // the kept state trails the deltas by this much at most

// A mixin of the table (after socketSync, whose `queue` and `online` it reads): the kept state and the worker.
export const offlineCopy = {
  created() {
    // a page served offline by the worker carries an older snapshot than the one this browser kept
    loadSnapshot(this.queue).then((kept) => {
      if (kept && kept.version > this.version) {
        this.applySnapshot(kept);
        this.rev++;
      }
    }, () => undefined);
  },
  mounted() {
    this.hideHandler = () => this.saveSnapshotNow();
    window.addEventListener("pagehide", this.hideHandler);
    if (!this.online) markOffline(true);
    this.workerTimer = setTimeout(() => keepPageOffline(), 300); // after the first render, well within 2 s
  },
  unmounted() {
    window.removeEventListener("pagehide", this.hideHandler);
    clearTimeout(this.workerTimer);
    clearTimeout(this.saveTimer);
  },
  watch: {
    online(value) {
      markOffline(!value);
      if (!value) this.saveSnapshotNow();
    },
    rev() {
      this.saveSnapshotSoon();
    },
  },
  methods: {
    saveSnapshotSoon() {
      clearTimeout(this.saveTimer);
      this.saveTimer = setTimeout(() => this.saveSnapshotNow(), SAVE_AFTER_MS);
    },
    saveSnapshotNow() {
      clearTimeout(this.saveTimer);
      if (this.dead || this.endedMessage || !this.meta.id) return;
      const S = this.S;
      const snapshot = {
        ...JSON.parse(JSON.stringify(this.meta)), // a reactive proxy, which IndexedDB cannot clone
        version: this.version, items: [...S.items.values()], categories: [...S.categories.values()],
        bags: [...S.bags.values()], travelers: [...S.travelers.values()],
      };
      saveSnapshot(this.queue, snapshot).catch((error) => console.warn("the list will not open offline", error));
    },
  },
};

export async function keepPageOffline() {
  if (!("serviceWorker" in navigator) || !window.caches) return; // http on a non-local host: no workers
  try {
    await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    await navigator.serviceWorker.ready;
    const files = await caches.open(FILES);
    const urls = performance.getEntriesByType("resource").map((e) => e.name).filter(isNiceguiFile);
    await Promise.all(urls.map(async (u) => (await files.match(u)) || files.add(u).catch(() => undefined)));
    const pages = await caches.open(PAGES);
    const key = location.origin + location.pathname;
    if (!(await pages.match(key))) {
      // one extra page build per list and browser: later visits go through the worker, which keeps the copy fresh
      const response = await fetch(key, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await pages.put(key, response);
    }
  } catch (error) {
    console.warn("this list will not open offline", error);
  }
}

export async function forgetPage() {
  if (!window.caches) return;
  const pages = await caches.open(PAGES);
  await pages.delete(location.origin + location.pathname);
}

export function markOffline(offline) {
  document.body.classList.toggle("tp-offline", offline);
  for (const el of document.querySelectorAll(".tp-needs-server")) {
    el.setAttribute("aria-disabled", offline ? "true" : "false");
    if (offline) el.setAttribute("title", "Needs a connection");
    else el.removeAttribute("title");
  }
}

function isNiceguiFile(href) {
  const url = new URL(href);
  return url.origin === location.origin && url.pathname.startsWith("/_nicegui/");
}

// Opening a list offline: the service worker (/sw.js, scope "/") serves the last copy of the page when the network
// fails, and the table replaces the page's snapshot with the newer state it kept in IndexedDB (outbox.js). The
// list's first load happened before the worker controlled the page, so once it does, this module puts the page and
// the NiceGUI files it loaded into the worker's caches. Controls that need the server are marked `tp-needs-server`
// by the page and disabled here while offline.

const PAGES = "tp-pages-v1";
const FILES = "tp-files-v1";

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

// TravelPack's service worker: a list opens offline from the last page the browser saw of it.
//
// Pages are fetched network-first, so a cached page is used only when the network fails (the server is the truth,
// and a live page's NiceGUI client is fresh). NiceGUI's files under /_nicegui/ carry their version or mtime in the
// path, so they are served from the cache first. The socket (/_nicegui_ws/) and everything that is not a GET pass
// by untouched. The item table (browser/offline.js) adds the first page of a list and its files to the caches,
// because that first load happened before this worker controlled the page.

const PAGES = "tp-pages-v1";
const FILES = "tp-files-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/_nicegui_ws/")) return;
  if (request.mode === "navigate") {
    if (url.pathname.startsWith("/lists/")) event.respondWith(networkFirst(request));
    return;
  }
  if (url.pathname.startsWith("/_nicegui/")) event.respondWith(cacheFirst(request));
});

async function networkFirst(request) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic" && !response.redirected) {
      const cache = await caches.open(PAGES);
      await cache.put(pageKey(request.url), response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(pageKey(request.url), { cacheName: PAGES });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: FILES });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(FILES);
    await cache.put(request, response.clone());
  }
  return response;
}

function pageKey(href) {
  const url = new URL(href);
  return url.origin + url.pathname; // one copy per list, whatever the query
}

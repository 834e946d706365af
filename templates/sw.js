/* Meal Expense Tracker service worker {{ version }}: pages come from the network; when it is gone, the add-meal page
   last seen (it keeps meals in the browser's outbox until the connection returns) or the offline page. */
const CACHE = "meals-{{ version }}";
const PAGES = "meals-pages";  // signed-in pages kept for offline use; emptied when the user signs out
const PRECACHE = {{ precache_json|safe }};
const OFFLINE_PAGES = {{ offline_pages_json|safe }};
const STATIC_PREFIX = "{{ static_prefix }}";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE && key !== PAGES).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function offlinePage() {
  return caches.match(PRECACHE[0]);
}

// Network first; a good answer is kept for when the network is gone.
function networkThenKeep(request, cacheName, key) {
  return fetch(request).then((response) => {
    if (response.ok && !response.redirected && response.type === "basic") {
      const copy = response.clone();
      caches.open(cacheName).then((cache) => cache.put(key, copy));
    }
    return response;
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && url.pathname === "{{ logout_path }}") {
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate") {
    if (OFFLINE_PAGES.indexOf(url.pathname) !== -1) {
      event.respondWith(
        networkThenKeep(request, PAGES, url.pathname)
          .catch(() => caches.match(url.pathname, { cacheName: PAGES }).then((kept) => kept || offlinePage()))
      );
      return;
    }
    event.respondWith(fetch(request).catch(offlinePage));
    return;
  }
  if (PRECACHE.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request).then((cached) => cached || fetch(request)));
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    // Scripts and styles the kept pages load: fresh when online, the last copy when not.
    event.respondWith(networkThenKeep(request, CACHE, request).catch(() => caches.match(request)));
  }
});

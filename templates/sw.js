/* Meal Expense Tracker service worker {{ version }}: pages come from the network; when it is gone, the offline page. */
const CACHE = "meals-{{ version }}";
const PRECACHE = {{ precache_json|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(PRECACHE[0])));
    return;
  }
  if (PRECACHE.indexOf(request.url) !== -1 || PRECACHE.indexOf(new URL(request.url).pathname) !== -1) {
    event.respondWith(caches.match(request).then((cached) => cached || fetch(request)));
  }
});

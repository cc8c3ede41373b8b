{% autoescape off %}// Cunjian's service worker (served at /sw.js by core/offline.py, scope the whole site).
// Workbox comes from the front-end packages on this server, never from a CDN.
importScripts({{ workbox_sw }});
workbox.setConfig({
  debug: false,
  modulePathCb: (name) => {{ module_prefix }} + name + "/" + name + ".prod.js",
});
const { precaching, routing, strategies, expiration } = workbox;

// The shell (styles, scripts, fonts, icons), each with the digest of its content.
precaching.cleanupOutdatedCaches();
// bootstrap-icons asks for its fonts with a ?hash query: match without any query.
precaching.precacheAndRoute({{ precache }}, { ignoreURLParametersMatching: [/.*/] });

// The user's field forms: network first, the copy of the last visit without signal. Only the
// pages this phone was told are field forms (by /field/data/, or by a field form's page itself
// through a message) are kept: no other page of the user is stored on the phone.
const PAGES = "cunjian-pages";
const DATA = "cunjian-data";
const FIELD_URLS = "/__cunjian/field-urls";
let fieldPaths = null;

async function loadFieldPaths() {
  if (fieldPaths) return fieldPaths;
  const cache = await caches.open(DATA);
  const stored = await cache.match(FIELD_URLS, { ignoreVary: true });
  fieldPaths = new Set(stored ? await stored.json() : []);
  return fieldPaths;
}

async function saveFieldPaths() {
  const cache = await caches.open(DATA);
  await cache.put(FIELD_URLS, new Response(JSON.stringify([...fieldPaths]), {
    headers: { "Content-Type": "application/json" },
  }));
}

function pathOf(url) {
  const u = new URL(url, self.location.href);
  return u.pathname + u.search;
}

async function isField(url) {
  const paths = await loadFieldPaths();
  return paths.has(pathOf(url)) || paths.has(new URL(url, self.location.href).pathname);
}

// Nothing that looks like a resident ID number (18 characters) or a mobile number (11 digits,
// unmasked) is kept on the phone: the pages that would show one stay online only.
const PERSONAL = /(^|[^\w])(\d{17}[\dXx]|1[3-9]\d{9})(?![\w])/;

async function keepable(response) {
  if (!response || response.status !== 200 || response.redirected) return false;
  return !PERSONAL.test(await response.clone().text());
}

const keepFieldPages = {
  cacheWillUpdate: async ({ request, response }) =>
    (await isField(request.url)) && (await keepable(response)) ? response : null,
};

routing.registerRoute(
  ({ request, url }) => request.mode === "navigate" && url.origin === self.location.origin,
  new strategies.NetworkFirst({
    cacheName: PAGES,
    networkTimeoutSeconds: 6,
    // Django's pages vary on Cookie and Accept-Language, which a worker's requests do not show.
    matchOptions: { ignoreVary: true },
    plugins: [keepFieldPages, new expiration.ExpirationPlugin({ maxEntries: 80, maxAgeSeconds: 30 * 86400 })],
  })
);

// The field data (villages, cadres, promises, checklist): network first, the last copy offline.
routing.registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname === {{ field_data }},
  new strategies.NetworkFirst({
    cacheName: DATA,
    networkTimeoutSeconds: 6,
    matchOptions: { ignoreVary: true },
    plugins: [{ cacheWillUpdate: async ({ response }) => ((await keepable(response)) ? response : null) }],
  })
);

// A page opened offline that was never kept: the browser's own error page would lose the way
// back; the queue's page (kept as a field page) says what is waiting.
routing.setCatchHandler(async ({ request }) => {
  if (request.mode === "navigate") {
    const paths = await loadFieldPaths();
    const cache = await caches.open(PAGES);
    for (const path of paths) {
      if (path.startsWith("/field/queue/")) {
        const page = await cache.match(path, { ignoreVary: true });
        if (page) return page;
      }
    }
  }
  return Response.error();
});

async function keepPages(urls) {
  const paths = await loadFieldPaths();
  const cache = await caches.open(PAGES);
  for (const url of urls) {
    paths.add(pathOf(url));
  }
  await saveFieldPaths();
  await Promise.all(urls.map(async (url) => {
    try {
      // Not following a redirect: a signed-out prefetch must not render the sign-in page,
      // whose fresh CSRF cookie would void the form the user is filling in.
      const response = await fetch(url, { credentials: "same-origin", redirect: "manual" });
      if (await keepable(response)) await cache.put(pathOf(url), response);
    } catch (e) { /* no signal: kept at the next visit */ }
  }));
}

async function forget() {
  fieldPaths = new Set();
  await caches.delete(PAGES);
  await caches.delete(DATA);
}

// Messages from static/js/offline.js: {type: "keep", urls} after a field page or /field/data/,
// {type: "forget"} at sign-out. The answer goes back on the message's port.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  let work = null;
  if (data.type === "keep" && Array.isArray(data.urls)) work = keepPages(data.urls);
  else if (data.type === "forget") work = forget();
  else if (data.type === "skip-waiting") work = self.skipWaiting();
  if (!work) return;
  event.waitUntil(work.then(() => {
    if (event.ports[0]) event.ports[0].postMessage({ done: true });
  }));
});

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
{% endautoescape %}

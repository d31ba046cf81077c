// The field app's service worker: Workbox, loaded from the portal's own copy (never a CDN), keeps the app
// shell and its files (by content hash) and serves them cache-first. The sync API (/lapangan/api/) has no
// route here: the browser sends it straight to the network, never to a cache.
importScripts({{ workbox|tojson }});
workbox.setConfig({modulePathPrefix: {{ prefix|tojson }}, debug: false});
{% for module in modules %}workbox.loadModule({{ module|tojson }});
{% endfor %}
workbox.core.skipWaiting();
workbox.core.clientsClaim();
workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute({{ precache|tojson }}, {ignoreURLParametersMatching: [/.*/]});

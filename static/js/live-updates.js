/* Live updates. A signed-in page opens one WebSocket (locally the server's /ws/, in AWS the WebSocket API with a
   ticket from /accounts/live/socket/). An event only says that something changed; the page then re-reads itself and
   swaps each element marked data-live-region (the bell, the approvals count and queue, an expense's status) for the
   fresh one. While the socket is closed the page polls the same way, and after every (re)connection it re-reads once,
   so it never keeps showing what changed while it was not listening. A region being worked in (focus inside, a box
   ticked, text typed) is left alone until the person is done.
   One event carries what it shows: an import's progress (`import.progress`, rows done of the total) moves the bar of
   that import's review page in place, without a re-read; its end (`import.applied`, `import.failed`) re-reads. */
(function () {
  "use strict";

  var script = document.currentScript;
  var SOCKET_URL_ENDPOINT = script && script.getAttribute("data-socket-url");
  var RETRY_MAX_MS = 30000;
  var pollMs = 20000;
  var socket = null;
  var retryMs = 1000;
  var pollTimer = null;
  var refreshTimer = null;
  var refreshing = false;
  var again = false;
  var connecting = false;

  function regions(root) { return Array.prototype.slice.call(root.querySelectorAll("[data-live-region]")); }

  function busy(region) {
    if (region.contains(document.activeElement) && document.activeElement !== document.body) { return true; }
    if (region.querySelector("input[type=checkbox]:checked")) { return true; }
    return Array.prototype.some.call(region.querySelectorAll("textarea, input[type=text]"), function (field) {
      return field.value !== field.defaultValue;
    });
  }

  function swap(fresh) {
    var kept = false;
    regions(document).forEach(function (region) {
      var name = region.getAttribute("data-live-region");
      var next = fresh.querySelector('[data-live-region="' + name + '"]');
      if (!next || next.outerHTML === region.outerHTML) { return; }
      if (busy(region)) { kept = true; return; }
      var adopted = document.importNode(next, true);
      region.replaceWith(adopted);
      if (window.htmx) { window.htmx.process(adopted); }
      adopted.dispatchEvent(new CustomEvent("live:updated", { bubbles: true }));
    });
    if (kept) { schedule(pollMs); }
  }

  // One page re-read at a time; events arriving meanwhile make one more.
  function refresh() {
    if (!regions(document).length) { return; }
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-Live-Update": "1" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html) { swap(new DOMParser().parseFromString(html, "text/html")); } })
      .catch(function () { /* the next event or poll tries again */ })
      .then(function () {
        refreshing = false;
        if (again) { again = false; refresh(); }
      });
  }

  function importProgress(event) {
    var box = document.querySelector('[data-import-progress="' + Number(event["import"]) + '"]');
    if (!box) { return; }
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-import-progress-text]");
    var total = Math.max(Number(event.total) || 0, 1);
    var done = Math.min(Number(event.done) || 0, total);
    bar.max = total;
    bar.value = done;
    text.textContent = "Importing: " + done + " of " + total + " row" + (total === 1 ? "" : "s") + " checked…";
    box.hidden = false;
  }

  function importFinished(event) {
    var box = document.querySelector('[data-import-progress="' + Number(event["import"]) + '"]');
    if (box) { box.hidden = true; }
  }

  function schedule(delay) {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, delay);
  }

  function startPolling() {
    if (pollTimer === null) { pollTimer = setInterval(refresh, pollMs); }
  }

  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = null;
  }

  function reconnectLater() {
    connecting = false;
    startPolling();
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  }

  function connect() {
    if (!SOCKET_URL_ENDPOINT || !window.WebSocket || document.visibilityState === "hidden") { return; }
    if (socket !== null || connecting) { return; }
    connecting = true;
    fetch(SOCKET_URL_ENDPOINT, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error("socket url"); } return response.json(); })
      .then(function (config) {
        if (config.poll_seconds) { pollMs = config.poll_seconds * 1000; }
        if (!config.url) { connecting = false; stopPolling(); startPolling(); return; } // this site polls only
        socket = new WebSocket(config.url);
        socket.addEventListener("open", function () {
          connecting = false;
          retryMs = 1000;
          stopPolling();
          document.documentElement.setAttribute("data-live", "open");
          refresh(); // whatever changed while the socket was closed
        });
        socket.addEventListener("message", function (message) {
          var event;
          try { event = JSON.parse(message.data); } catch (error) { return; }
          if (!event || !event.event) { return; }
          if (event.event === "import.progress") { importProgress(event); return; }
          if (event.event === "import.applied" || event.event === "import.failed") { importFinished(event); }
          schedule(150); // several events of one change make one re-read
        });
        socket.addEventListener("close", function () {
          socket = null;
          document.documentElement.setAttribute("data-live", "closed");
          reconnectLater();
        });
      })
      .catch(reconnectLater);
  }

  // A hidden tab lets its socket go; coming back reconnects (and so re-reads).
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && socket === null) { connect(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.setAttribute("data-live", "closed");
    startPolling();
    connect();
  });
})();

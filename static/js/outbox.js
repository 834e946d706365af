/* Offline entry. With no network, the add-meal form (its photo included) is kept in this browser's IndexedDB, the
   "outbox", under the form's idempotency key; it is sent when the connection returns, with that key in the
   Idempotency-Key header. The server saves one meal per key, so a double tap, a retry or a second tab never makes
   two. The page lists what waits ("Waiting to send"), then links each saved meal. Entries belong to the signed-in
   user who made them and are only sent in that user's session. */
(function () {
  "use strict";

  var DB_NAME = "meal-outbox";
  var STORE = "meals";
  var RETRY_MS = 30000;
  var SAVED_PATH = /\/expenses\/(\d+)\/$/;

  // --- IndexedDB, by hand: one object store keyed by the idempotency key -------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "key" }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var request = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(request && request.result); };
        transaction.onerror = transaction.onabort = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  var outbox = {
    put: function (entry) { return withStore("readwrite", function (store) { return store.put(entry); }); },
    remove: function (key) { return withStore("readwrite", function (store) { return store.delete(key); }); },
    all: function () { return withStore("readonly", function (store) { return store.getAll(); }); }
  };

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function csrfToken(root) {
    var field = (root || document).querySelector("[name=csrfmiddlewaretoken]");
    if (field) { return field.value; }
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  // --- What the list shows ------------------------------------------------------------------------------------
  var panel, list, help, user;
  var shown = {};  // key -> entry, including the ones sent from this page (no longer stored)

  function describe(entry) {
    var s = entry.summary || {};
    var parts = [];
    if (s.amount) { parts.push(s.amount + (s.currency ? " " + s.currency : "")); }
    if (s.restaurant) { parts.push(s.restaurant); }
    if (s.when) { parts.push(s.when.replace("T", " ")); }
    return parts.join(" · ") || "A meal";
  }

  var BADGES = {
    waiting: ["text-bg-warning", "Waiting to send"],
    sending: ["text-bg-info", "Sending…"],
    sent: ["text-bg-success", "Saved"],
    refused: ["text-bg-danger", "Not saved"],
    signed_out: ["text-bg-secondary", "Sign in to send"]
  };

  function render() {
    if (!panel) { return; }
    var entries = Object.keys(shown).map(function (key) { return shown[key]; })
      .sort(function (a, b) { return a.createdAt - b.createdAt; });
    list.textContent = "";
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      item.className = "list-group-item d-flex flex-wrap align-items-center gap-2";
      item.dataset.outboxEntry = entry.state;
      var badge = document.createElement("span");
      badge.className = "badge " + BADGES[entry.state][0];
      badge.textContent = BADGES[entry.state][1];
      item.appendChild(badge);
      var what;
      if (entry.state === "sent" && entry.savedUrl) {
        what = document.createElement("a");
        what.href = entry.savedUrl;
      } else {
        what = document.createElement("span");
      }
      what.className = "flex-grow-1";
      what.textContent = describe(entry);
      item.appendChild(what);
      if (entry.note) {
        var note = document.createElement("span");
        note.className = "w-100 small " + (entry.state === "refused" ? "text-danger-emphasis" : "text-body-secondary");
        note.textContent = entry.note;
        item.appendChild(note);
      }
      if (entry.state === "refused") {
        item.appendChild(button("Fix in the form", function () { restore(entry); }, "btn-outline-primary"));
        item.appendChild(button("Discard", function () { discard(entry); }, "btn-outline-secondary"));
      }
      if (entry.state === "signed_out") {
        var signIn = document.createElement("a");
        signIn.className = "btn btn-sm btn-outline-primary";
        signIn.href = "/accounts/login/?next=" + encodeURIComponent(location.pathname);
        signIn.textContent = "Sign in";
        item.appendChild(signIn);
      }
      list.appendChild(item);
    });
    var offline = !navigator.onLine;
    var waiting = entries.some(function (entry) { return entry.state === "waiting" || entry.state === "sending"; });
    if (help) {
      help.textContent = offline
        ? "You are offline. A meal you save now waits on this device, with its photo, and is sent when you are back online."
        : (waiting ? "Meals that waited on this device are sent by themselves; keep this page open or come back to it." : "");
    }
    panel.hidden = entries.length === 0 && !offline;
  }

  function button(text, onClick, style) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-sm " + style;
    element.textContent = text;
    element.addEventListener("click", onClick);
    return element;
  }

  function discard(entry) {
    delete shown[entry.key];
    outbox.remove(entry.key).then(render, render);
  }

  // --- Keeping a meal in the outbox ---------------------------------------------------------------------------
  function entryFrom(form) {
    var fields = [], files = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") { fields.push([name, value]); }
      else if (value && value.size) { files.push([name, value]); }  // an empty file input sends nothing
    });
    var keyField = form.querySelector("[data-idempotency-key]");
    var field = function (name) { var element = form.elements[name]; return element ? element.value : ""; };
    var restaurant = form.elements.restaurant;
    return {
      key: keyField.value,
      user: user,
      url: form.action || location.href,
      createdAt: Date.now(),
      state: "waiting",
      fields: fields,
      files: files,
      summary: {
        amount: field("amount"), currency: field("currency"), when: field("occurred_at"),
        restaurant: restaurant && restaurant.value ? restaurant.options[restaurant.selectedIndex].text : ""
      }
    };
  }

  function restore(entry) {
    var form = document.querySelector("form[data-outbox-form]");
    if (!form) { location.href = panel.dataset.outboxUrl; return; }
    form.reset();
    entry.fields.forEach(function (pair) {
      var element = form.elements[pair[0]];
      if (!element || pair[0] === "csrfmiddlewaretoken" || element.type === "file") { return; }
      if (element.type === "checkbox") { element.checked = true; return; }
      if (element.tagName === "SELECT" && !Array.prototype.some.call(element.options, function (o) { return o.value === pair[1]; })) {
        var option = document.createElement("option");
        option.value = pair[1];
        option.textContent = entry.summary.restaurant || pair[1];
        element.appendChild(option);
      }
      element.value = pair[1];
    });
    if (entry.files.length && window.DataTransfer) {  // the photo goes back into the file field
      var input = form.querySelector("input[type=file][name=receipt]:not([data-camera-input])");
      var transfer = new DataTransfer();
      transfer.items.add(entry.files[0][1]);
      if (input) { input.files = transfer.files; }
    }
    delete shown[entry.key];
    outbox.remove(entry.key).then(render, render);  // the form has it again, with the same key
    var amount = form.elements.amount;
    if (amount) { amount.focus(); }
  }

  function enhanceForm(form) {
    var keyField = form.querySelector("[data-idempotency-key]");
    if (!keyField) { return; }
    // A page shown again from a cache (offline) must not reuse a key a saved meal already has.
    keyField.value = newKey();
    var saving = false;
    form.addEventListener("submit", function (event) {
      if (saving) { event.preventDefault(); return; }  // a second tap while the first is on its way
      if (navigator.onLine) {
        saving = true;  // the browser sends it; the same key makes a double tap one meal anyway
        return;
      }
      event.preventDefault();
      if (!form.checkValidity()) { form.reportValidity(); return; }
      saving = true;
      var entry = entryFrom(form);
      outbox.put(entry).then(function () {
        shown[entry.key] = entry;
        render();
        form.reset();
        keyField.value = newKey();
        form.dispatchEvent(new CustomEvent("outbox:queued", { bubbles: true, detail: { key: entry.key } }));
        panel.scrollIntoView({ block: "start" });
      }, function () {
        entry.state = "refused";
        entry.note = "This browser could not keep the meal while offline (storage full or private mode?): " +
          "save it again when you are back online.";
        shown[entry.key] = entry;
        render();
      }).then(function () { saving = false; });
    });
    window.addEventListener("pageshow", function () { saving = false; });
  }

  // --- Sending ------------------------------------------------------------------------------------------------
  function freshToken(url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) { return csrfToken(new DOMParser().parseFromString(html, "text/html")); });
  }

  function post(entry, token) {
    var body = new FormData();
    entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
    entry.files.forEach(function (pair) { body.append(pair[0], pair[1], pair[1].name || "receipt"); });
    body.set("csrfmiddlewaretoken", token);
    return fetch(entry.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Idempotency-Key": entry.key, "X-CSRFToken": token }
    });
  }

  function refusals(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var found = page.querySelectorAll(".invalid-feedback, .form-alert p:not(.fw-semibold), .errorlist li");
    var words = Array.prototype.map.call(found, function (node) { return node.textContent.trim(); })
      .filter(function (text, index, all) { return text && all.indexOf(text) === index; });
    return words.join(" ") || "The server refused this meal.";
  }

  function sendOne(entry) {
    entry.state = "sending";
    entry.note = "";
    shown[entry.key] = entry;
    render();
    return post(entry, csrfToken())
      .then(function (response) {
        if (response.status !== 403) { return response; }
        return freshToken(entry.url).then(function (token) { return post(entry, token); });  // a stale token
      })
      .then(function (response) {
        var path = new URL(response.url).pathname;
        if (response.ok && SAVED_PATH.test(path)) {
          entry.state = "sent";
          entry.savedUrl = path;
          entry.fields = entry.files = [];
          return outbox.remove(entry.key);
        }
        if (/\/accounts\/login\//.test(path)) {
          entry.state = "signed_out";
          entry.note = "Your session ended; sign in and this meal is sent.";
          return outbox.put(entry);
        }
        if (response.status === 400 || response.status === 422) {
          return response.text().then(function (html) {
            entry.state = "refused";
            entry.note = refusals(html);
            return outbox.put(entry);
          });
        }
        entry.state = "waiting";
        entry.note = "The server could not take it yet (" + response.status + "); it is tried again shortly.";
        return outbox.put(entry).then(scheduleRetry);
      }, function () {
        entry.state = "waiting";  // still no connection: wait for it
        return outbox.put(entry).then(scheduleRetry);
      })
      .then(render, render);
  }

  var retryTimer = null;
  function scheduleRetry() {
    if (!retryTimer) { retryTimer = setTimeout(function () { retryTimer = null; flush(); }, RETRY_MS); }
  }

  function flushNow() {
    return outbox.all().then(function (entries) {
      var mine = entries.filter(function (entry) { return entry.user === user; });
      mine.forEach(function (entry) { if (!shown[entry.key] || shown[entry.key].state !== "sending") { shown[entry.key] = entry; } });
      render();
      if (!navigator.onLine) { return; }
      var due = mine.filter(function (entry) { return entry.state === "waiting" || entry.state === "signed_out" || entry.state === "sending"; });
      return due.reduce(function (chain, entry) { return chain.then(function () { return sendOne(entry); }); }, Promise.resolve());
    });
  }

  function flush() {
    // One sender at a time across this user's tabs; the key makes a race harmless, this makes it rare.
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("meal-outbox-send", flushNow).catch(render);
    }
    return flushNow().catch(render);
  }

  function start() {
    panel = document.querySelector("[data-outbox]");
    if (!panel || !window.indexedDB) { return; }
    list = panel.querySelector("[data-outbox-list]");
    help = panel.querySelector("[data-outbox-help]");
    user = panel.dataset.outboxUser;
    document.querySelectorAll("form[data-outbox-form]").forEach(enhanceForm);
    window.addEventListener("online", flush);
    window.addEventListener("offline", render);
    flush();
  }

  if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();

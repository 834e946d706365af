/* Add meal, receipt first: a photo from the camera (phones) or a file. When an OCR engine is on, the server reads it
   and the total, date, restaurant, tax and tip are filled in, marked "from receipt" and scrolled into view; the form
   says why when nothing was. A restaurant read from the receipt is chosen when it is one of the user's, or offered as
   a new one, created in a dialog (htmx) without leaving the form. Only fields the user has not typed into are filled. */
(function () {
  "use strict";

  var FILLED_NAMES = { amount: "total", occurred_at: "date", restaurant: "restaurant", tax: "tax", tip: "tip" };
  var MARK_CLASSES = ["border-info", "bg-info-subtle"];

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function labelOf(field) {
    return field.id ? document.querySelector('label[for="' + field.id + '"]') : null;
  }

  function mark(field, text) {
    MARK_CLASSES.forEach(function (name) { field.classList.add(name); });
    field.dataset.prefilled = "1";
    var label = labelOf(field);
    if (label && !label.querySelector("[data-prefilled-badge]")) {
      var badge = document.createElement("span");
      badge.className = "badge text-bg-info ms-2 fw-normal";
      badge.dataset.prefilledBadge = "";
      badge.textContent = text || "from receipt";
      label.appendChild(badge);
    }
  }

  function unmark(field) {
    MARK_CLASSES.forEach(function (name) { field.classList.remove(name); });
    delete field.dataset.prefilled;
    var label = labelOf(field);
    var badge = label && label.querySelector("[data-prefilled-badge]");
    if (badge) { badge.remove(); }
  }

  function fill(field, value) {
    if (!field || value === undefined || value === null || value === "") { return "none"; }
    if (field.dataset.touched) { return "kept"; }
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
    return "filled";
  }

  function choose(select, value, label) {
    value = String(value);
    var exists = Array.prototype.some.call(select.options, function (option) { return option.value === value; });
    if (!exists) {  // the list may have been narrowed by the search box
      var option = document.createElement("option");
      option.value = value;
      option.textContent = label || value;
      select.appendChild(option);
    }
    select.value = value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function say(status, text, busy) {
    status.textContent = "";
    if (busy) {
      var spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm text-primary";
      spinner.setAttribute("aria-hidden", "true");
      status.appendChild(spinner);
    }
    var words = document.createElement("span");
    words.textContent = text;
    status.appendChild(words);
  }

  function scrollToField(field) {
    var calm = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    (field.closest(".mb-3") || field).scrollIntoView({ behavior: calm ? "auto" : "smooth", block: "center" });
  }

  function whyNothing(data, kept) {
    if (kept) { return "The receipt was read, but you had already filled in those fields: nothing was changed."; }
    if (data.restaurant_name) {
      return "The receipt is from " + data.restaurant_name + ", but its total and date could not be read with confidence: fill them in.";
    }
    if (!data.confidence || !Object.keys(data.confidence).length) {
      return "No text could be read on this photo (blurred, dark or cut off?): fill in the meal by hand, or try a sharper photo.";
    }
    return "Some text was read, but not clearly enough to fill anything in: fill in the meal by hand.";
  }

  function enhance(form) {
    var cameraInput = form.querySelector("[data-camera-input]");
    var fileInput = form.querySelector("input[type=file][name=receipt]:not([data-camera-input])");
    var takePhoto = form.querySelector("[data-take-photo]");
    var status = form.querySelector("[data-receipt-prefill-status]");
    var note = form.querySelector("[data-receipt-reading-note]");
    var offer = form.querySelector("[data-restaurant-offer]");
    var select = form.querySelector("[name=restaurant]");
    var token = form.querySelector("[name=csrfmiddlewaretoken]");
    var dialog = document.querySelector("[data-restaurant-dialog]");
    var readFromReceipt = {};  // what the last receipt said about its restaurant, for the "new restaurant" dialog

    Object.keys(FILLED_NAMES).forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]");
      if (!field) { return; }
      ["input", "change"].forEach(function (type) {
        field.addEventListener(type, function (event) {
          if (event.isTrusted) { field.dataset.touched = "1"; unmark(field); }
        });
      });
    });

    // Phones get a camera button: capture="environment" opens the back camera straight away.
    if (takePhoto && cameraInput && window.matchMedia && window.matchMedia("(pointer: coarse)").matches) {
      takePhoto.hidden = false;
      takePhoto.addEventListener("click", function () { cameraInput.click(); });
    }

    function showOffer(name) {
      if (!offer) { return; }
      offer.hidden = !name;
      var holder = offer.querySelector("[data-restaurant-offer-name]");
      if (holder) { holder.textContent = name || ""; }
    }

    function read(file) {
      showOffer("");
      Object.keys(FILLED_NAMES).forEach(function (name) {
        var field = form.querySelector("[name=" + name + "]");
        if (field && field.dataset.prefilled) { unmark(field); }
      });
      if (!status) { return; }
      if (!form.dataset.receiptPrefillUrl) {
        say(status, "Photo attached. " + (note ? note.textContent : ""));
        return;
      }
      if (!navigator.onLine) {
        say(status, "You are offline, so the photo cannot be read now: it is kept with the meal. Fill in the meal by hand.");
        return;
      }
      say(status, "Reading the receipt…", true);
      form.dataset.receiptPrefill = "pending";
      var body = new FormData();
      body.append("receipt", file);
      fetch(form.dataset.receiptPrefillUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" }
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          var data = result.data || {};
          if (!result.ok) {
            var detail = data.detail || "The receipt could not be read.";
            say(status, /by hand/.test(detail) ? detail : detail + " Fill in the meal by hand.");
            return;
          }
          var filled = [], kept = 0, first = null;
          function track(name, outcome) {
            var field = form.querySelector("[name=" + name + "]");
            if (outcome === "filled") { filled.push(FILLED_NAMES[name]); mark(field); first = first || field; }
            if (outcome === "kept") { kept += 1; }
          }
          var when = form.querySelector("[name=occurred_at]");
          track("amount", fill(form.querySelector("[name=amount]"), data.amount));
          if (data.occurred_at) {
            track("occurred_at", fill(when, data.occurred_at));
          } else if (data.date && when) {
            track("occurred_at", fill(when, data.date + "T" + (when.value.split("T")[1] || "12:00")));
          }
          if (select && data.restaurant) {
            if (select.dataset.touched) { kept += 1; } else {
              choose(select, data.restaurant, data.restaurant_label);
              track("restaurant", "filled");
            }
          }
          track("tax", fill(form.querySelector("[name=tax]"), data.tax));
          track("tip", fill(form.querySelector("[name=tip]"), data.tip));
          readFromReceipt = { name: data.restaurant_name || "", address: data.restaurant_address || "", phone: data.restaurant_phone || "" };
          if (data.restaurant_name && !data.restaurant) { showOffer(data.restaurant_name); }
          if (filled.length) {
            say(status, "Filled in from the receipt: " + filled.join(", ") + ". They are marked below; check them before saving.");
            scrollToField(first);
          } else {
            say(status, whyNothing(data, kept));
          }
        })
        .catch(function () { say(status, "The receipt could not be read (no connection to the server?): fill in the meal by hand."); })
        .then(function () { form.dataset.receiptPrefill = "done"; });
    }

    [cameraInput, fileInput].forEach(function (input) {
      if (!input) { return; }
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file) { return; }
        var other = input === cameraInput ? fileInput : cameraInput;
        if (other) { other.value = ""; }  // one receipt per meal here; the form sends the one chosen last
        read(file);
      });
    });

    // Kept in the outbox (offline): the form is empty again for the next meal.
    form.addEventListener("outbox:queued", function () {
      Object.keys(FILLED_NAMES).forEach(function (name) {
        var field = form.querySelector("[name=" + name + "]");
        if (field) { unmark(field); delete field.dataset.touched; }
      });
      showOffer("");
      if (status) { status.textContent = ""; }
      var preview = form.querySelector("[data-receipt-preview]");
      var chosen = form.querySelector("[data-receipt-name]");
      if (preview) { preview.hidden = true; preview.removeAttribute("src"); }
      if (chosen) { chosen.textContent = ""; }
      var amount = form.querySelector("[name=amount]");
      if (amount) { amount.dispatchEvent(new Event("input", { bubbles: true })); }  // the per-person line follows
    });

    var skip = form.querySelector("[data-skip-receipt]");
    var fields = form.querySelector("#meal-fields");
    if (skip && fields) {
      skip.addEventListener("click", function (event) {
        event.preventDefault();
        scrollToField(form.querySelector("[name=amount]") || fields);
        var amount = form.querySelector("[name=amount]");
        if (amount) { amount.focus({ preventScroll: true }); }
      });
    }

    // The "new restaurant" dialog: its form comes from the server (htmx) and posts there; the meal form stays.
    function openDialog(values, fromReceipt) {
      if (!dialog || !window.htmx || !window.bootstrap) { return false; }
      var query = new URLSearchParams();
      Object.keys(values).forEach(function (name) { if (values[name]) { query.set(name, values[name]); } });
      dialog.dataset.fromReceipt = fromReceipt ? "1" : "";
      var body = dialog.querySelector("[data-restaurant-dialog-body]");
      window.htmx.ajax("GET", dialog.dataset.url + (query.toString() ? "?" + query : ""), { target: body, swap: "innerHTML" })
        .then(function () {
          var first = body.querySelector("input:not([type=hidden])");
          if (first) { first.focus(); }
        });
      window.bootstrap.Modal.getOrCreateInstance(dialog).show();
      return true;
    }

    var newLink = form.querySelector("[data-restaurant-new]");
    if (newLink) {
      newLink.addEventListener("click", function (event) {
        if (openDialog({}, false)) { event.preventDefault(); }
      });
    }
    var offerButton = form.querySelector("[data-restaurant-offer-add]");
    if (offerButton) {
      offerButton.addEventListener("click", function () { openDialog(readFromReceipt, true); });
    }
    if (dialog) {
      // A refused restaurant (400) comes back as the dialog's form with its errors: show it there.
      dialog.addEventListener("htmx:beforeSwap", function (event) {
        if (event.detail.xhr && event.detail.xhr.status === 400) {
          event.detail.shouldSwap = true;
          event.detail.isError = false;
        }
      });
      dialog.addEventListener("restaurantCreated", function (event) {
        var created = event.detail || {};
        if (!select || !created.id) { return; }
        choose(select, created.id, created.label);
        select.dataset.touched = "";
        if (dialog.dataset.fromReceipt) { mark(select); } else { unmark(select); }
        showOffer("");
        if (status) { say(status, (created.label || "The restaurant") + " was added to your restaurants and chosen for this meal."); }
        window.bootstrap.Modal.getOrCreateInstance(dialog).hide();
      });
      dialog.addEventListener("hidden.bs.modal", function () { if (select) { select.focus(); } });
    }
  }

  onReady(function () {
    document.querySelectorAll("form[data-expense-form]").forEach(enhance);
  });
})();

/* Add-meal form: a chosen receipt photo is read on the server and fills in amount, date, restaurant, tax and tip.
   Only fields the user has not typed into are filled; the user can change anything before saving. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function setIfUntouched(field, value) {
    if (!field || value === undefined || value === null || value === "" || field.dataset.touched) { return false; }
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  function chooseRestaurant(select, data) {
    if (!select || !data.restaurant || select.dataset.touched) { return false; }
    var value = String(data.restaurant);
    var exists = Array.prototype.some.call(select.options, function (option) { return option.value === value; });
    if (!exists) {  // the list may have been narrowed by the search box
      var option = document.createElement("option");
      option.value = value;
      option.textContent = data.restaurant_label || data.restaurant_name || value;
      select.appendChild(option);
    }
    select.value = value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }

  function enhance(form) {
    var input = form.querySelector("[name=receipt]");
    var status = form.querySelector("[data-receipt-prefill-status]");
    var token = form.querySelector("[name=csrfmiddlewaretoken]");
    if (!input || !status || !token) { return; }
    ["amount", "occurred_at", "restaurant", "tax", "tip"].forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]");
      if (field) { field.addEventListener("input", function (event) { if (event.isTrusted) { field.dataset.touched = "1"; } }); }
    });

    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) { status.textContent = ""; return; }
      status.textContent = "Reading the receipt…";
      form.dataset.receiptPrefill = "pending";
      var body = new FormData();
      body.append("receipt", file);
      fetch(form.dataset.receiptPrefillUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": token.value, "Accept": "application/json" }
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (result) {
          var data = result.data || {};
          if (!result.ok) { status.textContent = data.detail || "The receipt could not be read; fill in the meal by hand."; return; }
          var filled = [];
          var when = form.querySelector("[name=occurred_at]");
          if (setIfUntouched(form.querySelector("[name=amount]"), data.amount)) { filled.push("amount"); }
          if (data.occurred_at) {
            if (setIfUntouched(when, data.occurred_at)) { filled.push("date"); }
          } else if (data.date && when && !when.dataset.touched) {
            var time = (when.value.split("T")[1] || "12:00");
            if (setIfUntouched(when, data.date + "T" + time)) { filled.push("date"); }
          }
          if (chooseRestaurant(form.querySelector("[name=restaurant]"), data)) { filled.push("restaurant"); }
          if (setIfUntouched(form.querySelector("[name=tax]"), data.tax)) { filled.push("tax"); }
          if (setIfUntouched(form.querySelector("[name=tip]"), data.tip)) { filled.push("tip"); }
          if (filled.length) {
            status.textContent = "Filled in from the receipt: " + filled.join(", ") + ". Check them before saving.";
          } else if (data.restaurant_name) {
            status.textContent = "The receipt is from " + data.restaurant_name + "; nothing else could be read with confidence.";
          } else {
            status.textContent = "Nothing could be read with confidence; fill in the meal by hand.";
          }
        })
        .catch(function () { status.textContent = "The receipt could not be read; fill in the meal by hand."; })
        .then(function () { form.dataset.receiptPrefill = "done"; });
    });
  }

  onReady(function () {
    document.querySelectorAll("form[data-receipt-prefill-url]").forEach(enhance);
  });
})();

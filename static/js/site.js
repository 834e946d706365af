/* Progressive enhancement for the server-rendered pages. Every page works without it. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // Installable app: the service worker shows an offline page when the network is gone.
  if ("serviceWorker" in navigator && document.body && document.body.dataset.sw !== "off") {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* offline page is optional */ });
    });
  }

  // Charts: <canvas data-chart-type="line" data-chart-labels='[...]' data-chart-values='[...]'>.
  function drawCharts(root) {
    if (!window.Chart) { return; }
    root.querySelectorAll("canvas[data-chart-type]").forEach(function (canvas) {
      if (canvas.dataset.chartDrawn) { return; }
      canvas.dataset.chartDrawn = "1";
      var labels = JSON.parse(canvas.dataset.chartLabels || "[]");
      var values = JSON.parse(canvas.dataset.chartValues || "[]").map(Number);
      // Axis colours from the colour mode (readable on the dark background too); month labels stay level.
      var style = getComputedStyle(document.body);
      var text = style.getPropertyValue("--bs-secondary-color").trim() || "#666";
      var grid = style.getPropertyValue("--bs-border-color-translucent").trim() || "rgba(0,0,0,.1)";
      var chart = new window.Chart(canvas, {
        type: canvas.dataset.chartType,
        data: { labels: labels, datasets: [{ label: canvas.dataset.chartLabel || "", data: values,
          borderColor: "#0b5cad", backgroundColor: "rgba(11, 92, 173, 0.25)", fill: true, tension: 0.25 }] },
        options: { responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { legend: { display: false } },
          scales: { x: { grid: { display: false }, ticks: { color: text, maxRotation: 0, autoSkipPadding: 12 } },
            y: { beginAtZero: true, grid: { color: grid }, ticks: { color: text } } } }
      });
      canvas.chart = chart;
    });
  }

  // Expense form helpers.
  var MEAL_BY_HOUR = [
    [5, "breakfast"], [10, "brunch"], [11, "lunch"], [15, "snacks"], [17, "dinner"], [22, "late_night"]
  ];
  function mealTypeForHour(hour) {
    var meal = "late_night";
    MEAL_BY_HOUR.forEach(function (pair) { if (hour >= pair[0]) { meal = pair[1]; } });
    return hour < 5 ? "late_night" : meal;
  }

  function enhanceExpenseForm(form) {
    var amount = form.querySelector("[name=amount]");
    var party = form.querySelector("[name=party_size]");
    var currency = form.querySelector("[name=currency]");
    var output = form.querySelector("[data-per-person]");
    function updatePerPerson() {
      if (!output || !amount || !party) { return; }
      var total = parseFloat((amount.value || "").replace(/,/g, ""));
      var people = parseInt(party.value, 10);
      if (!isFinite(total) || !people || people < 1) { output.textContent = ""; return; }
      var code = currency ? currency.value : "USD";
      var formatted;
      try {
        formatted = new Intl.NumberFormat("en-US", { style: "currency", currency: code }).format(total / people);
      } catch (e) { formatted = (total / people).toFixed(2) + " " + code; }
      output.textContent = formatted + " per person";
    }
    [amount, party, currency].forEach(function (el) { if (el) { el.addEventListener("input", updatePerPerson); el.addEventListener("change", updatePerPerson); } });
    updatePerPerson();

    // Meal type follows the time of day until the user picks one.
    var when = form.querySelector("[name=occurred_at]");
    var meal = form.querySelector("[name=meal_type]");
    if (when && meal) {
      meal.addEventListener("change", function () { meal.dataset.touched = "1"; });
      when.addEventListener("change", function () {
        var match = /T(\d{2}):/.exec(when.value);
        if (match && !meal.dataset.touched) { meal.value = mealTypeForHour(parseInt(match[1], 10)); }
      });
    }

    // Category defaults to the one most used at the chosen restaurant, until the user picks one.
    var restaurant = form.querySelector("[name=restaurant]");
    var category = form.querySelector("[name=category]");
    if (restaurant && category && form.dataset.usualCategoryUrl) {
      category.addEventListener("change", function () { category.dataset.touched = "1"; });
      restaurant.addEventListener("change", function () {
        if (!restaurant.value || category.dataset.touched) { return; }
        var url = form.dataset.usualCategoryUrl + "?restaurant=" + encodeURIComponent(restaurant.value);
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) { if (data && data.category && !category.dataset.touched) { category.value = String(data.category); } })
          .catch(function () { /* the default is only a convenience */ });
      });
    }

    // Receipt preview before upload (the add form has two inputs: the camera and a file; the last one chosen counts).
    var preview = form.querySelector("[data-receipt-preview]");
    var previewName = form.querySelector("[data-receipt-name]");
    form.querySelectorAll("input[type=file][name=receipt]").forEach(function (receipt) {
      if (!preview) { return; }
      receipt.addEventListener("change", function () {
        var file = receipt.files && receipt.files[0];
        if (previewName) { previewName.textContent = file ? "Selected: " + file.name : ""; }
        if (file && /^image\//.test(file.type)) {
          preview.src = URL.createObjectURL(file);
          preview.hidden = false;
        } else {
          preview.hidden = true;
          preview.removeAttribute("src");
        }
      });
    });
  }

  function enhance(root) {
    drawCharts(root);
    root.querySelectorAll("form[data-expense-form]").forEach(enhanceExpenseForm);
  }

  onReady(function () {
    enhance(document);
    // After a refused save, move focus to the summary so keyboard and screen-reader users hear it first.
    var alert = document.querySelector(".form-alert");
    if (alert) { alert.setAttribute("tabindex", "-1"); alert.focus(); }
  });
  document.addEventListener("htmx:afterSwap", function (event) { drawCharts(event.target); });
})();

/* Reports page: draws Chart.js charts and the calendar heat map from /api/v1/reports/ (same filters as the page).
   A section folded away (phones start with only the first one open) fetches its figures when it is opened. */
(function () {
  "use strict";

  var PALETTE = ["#0b5cad", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#f4845f", "#2e4057", "#a0a4b8", "#3d9970"];
  var WIDE = window.matchMedia ? window.matchMedia("(min-width: 992px)") : { matches: true };
  var LABEL_LIMIT = 18;

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // One report request at a time: the page asks for up to nine, and the server answers each in turn anyway.
  var queue = Promise.resolve();
  function fetchReport(root, kind, params) {
    var url = root.dataset.api + kind + "/?" + root.dataset.query + (params ? "&" + params : "");
    var answer = queue.then(function () {
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    }).then(function (response) {
      if (!response.ok) { throw new Error("report " + kind + " answered " + response.status); }
      return response.json();
    });
    queue = answer.catch(function () { return null; });
    return answer;
  }

  function money(value, currency) {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: currency, maximumFractionDigits: 0 }).format(Number(value));
  }
  function moneyExact(value, currency) {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: currency }).format(Number(value));
  }

  // "2026-03-01" as "Mar 2026" (month), "Q1 2026" (quarter), "2026" (year) or "3 Mar" (week, day).
  function periodLabel(iso, period) {
    var parts = String(iso).split("-").map(Number);
    if (parts.length < 3 || isNaN(parts[0])) { return String(iso); }
    var date = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
    if (period === "year") { return String(parts[0]); }
    if (period === "quarter") { return "Q" + (Math.floor((parts[1] - 1) / 3) + 1) + " " + parts[0]; }
    if (period === "month") { return date.toLocaleDateString(undefined, { month: "short", year: "numeric", timeZone: "UTC" }); }
    return date.toLocaleDateString(undefined, { day: "numeric", month: "short", timeZone: "UTC" });
  }

  function shortLabel(label) {
    return label.length > LABEL_LIMIT ? label.slice(0, LABEL_LIMIT - 1).trim() + "…" : label;
  }

  function themeColours() {
    var style = getComputedStyle(document.body);
    return { text: style.getPropertyValue("--bs-secondary-color").trim() || "#666",
      grid: style.getPropertyValue("--bs-border-color-translucent").trim() || "rgba(0,0,0,.1)" };
  }

  function draw(canvas, report, currency) {
    var labelKey = canvas.dataset.labelKey || "label";
    var valueKey = canvas.dataset.valueKey || "total";
    var type = canvas.dataset.rchart;
    var horizontal = Boolean(canvas.dataset.horizontal);
    var labels = report.rows.map(function (row) {
      var label = String(row[labelKey]);
      if (canvas.dataset.period) { return periodLabel(label, canvas.dataset.period); }
      if (canvas.dataset.hours) { return ("0" + label).slice(-2) + ":00"; }
      return label;
    });
    var values = report.rows.map(function (row) { return Number(row[valueKey]); });
    var isMoney = valueKey === "total";
    var colours = themeColours();
    var valueAxis = { beginAtZero: true, grid: { color: colours.grid }, ticks: { color: colours.text,
      callback: function (value) { return isMoney ? money(value, currency) : value; } } };
    var labelAxis = { grid: { display: false }, ticks: { color: colours.text, autoSkip: !horizontal,
      callback: function (value) { return shortLabel(String(this.getLabelForValue(value))); } } };
    if (canvas.chart) { canvas.chart.destroy(); }
    canvas.chart = new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: [{ label: canvas.dataset.seriesLabel || (isMoney ? "Spend (" + currency + ")" : "Visits"), data: values,
        backgroundColor: type === "doughnut" ? PALETTE : "rgba(11, 92, 173, 0.75)", borderColor: type === "doughnut" ? "transparent" : "#0b5cad" }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: horizontal ? "y" : "x",
        layout: { padding: { right: 8 } },
        plugins: {
          legend: { display: type === "doughnut", position: WIDE.matches ? "right" : "bottom",
            labels: { color: colours.text, boxWidth: 12 } },
          tooltip: { callbacks: {
            title: function (items) { return items.length ? labels[items[0].dataIndex] : ""; },
            label: function (ctx) {
              var value = type === "doughnut" ? ctx.parsed : (horizontal ? ctx.parsed.x : ctx.parsed.y);
              return isMoney ? moneyExact(value, currency) : String(value);
            } } }
        },
        scales: type === "doughnut" ? {} : (horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis })
      }
    });
  }

  function heatmap(root, container) {
    var months = document.getElementById("heatmap-months");
    fetchReport(root, "heatmap").then(function (report) {
      var byDay = {};
      var max = 0;
      report.rows.forEach(function (row) { byDay[row.date] = row; max = Math.max(max, Number(row.total)); });
      var day = new Date(container.dataset.from + "T00:00:00Z");
      var end = new Date(container.dataset.to + "T00:00:00Z");
      var cells = (day.getUTCDay() + 6) % 7;
      for (var pad = cells; pad > 0; pad -= 1) {
        var blank = document.createElement("span");
        blank.className = "heat-cell blank";
        container.appendChild(blank);
      }
      var lastMonth = -1;
      while (day <= end) {
        var key = day.toISOString().slice(0, 10);
        var row = byDay[key];
        var cell = document.createElement("span");
        var level = row && max ? Math.min(4, Math.ceil((Number(row.total) / max) * 4)) : 0;
        cell.className = "heat-cell level-" + level;
        cell.title = key + ": " + (row ? moneyExact(row.total, report.currency) + " (" + row.visits + " visit" + (row.visits === 1 ? "" : "s") + ")" : "nothing");
        container.appendChild(cell);
        // A month's name above the week column its first day falls in.
        if (months && day.getUTCMonth() !== lastMonth && (day.getUTCDate() <= 7 || lastMonth === -1)) {
          var label = document.createElement("span");
          label.textContent = day.toLocaleDateString(undefined, { month: "short", timeZone: "UTC" });
          label.style.gridColumnStart = String(Math.floor(cells / 7) + 1);
          months.appendChild(label);
          lastMonth = day.getUTCMonth();
        }
        cells += 1;
        day.setUTCDate(day.getUTCDate() + 1);
      }
    }).catch(function () { container.textContent = "The heat map could not be loaded."; });
  }

  // Runs `load` now when the section is open, or the first time it is opened.
  function whenOpen(element, load) {
    var section = element.closest("details");
    if (!section || section.open) { load(); return; }
    section.addEventListener("toggle", function once() {
      if (!section.open) { return; }
      section.removeEventListener("toggle", once);
      load();
    });
  }

  onReady(function () {
    var root = document.getElementById("report-summary");
    if (!root || !window.Chart) { return; }
    if (WIDE.matches) {
      document.querySelectorAll("details[data-open-wide]").forEach(function (section) { section.open = true; });
    }
    var currency = root.dataset.currency;
    var period = new URLSearchParams(root.dataset.query).get("period") || "month";
    document.querySelectorAll("canvas[data-rchart]").forEach(function (canvas) {
      var params = canvas.dataset.params || (canvas.dataset.kind === "totals" ? "period=" + period : "");
      whenOpen(canvas, function () {
        fetchReport(root, canvas.dataset.kind, params).then(function (report) { draw(canvas, report, currency); })
          .catch(function () { canvas.replaceWith(document.createTextNode("This chart could not be loaded.")); });
      });
    });
    var explore = document.querySelector("select[data-explore]");
    if (explore) {
      explore.addEventListener("change", function () {
        var canvas = document.getElementById("explore-chart");
        fetchReport(root, "breakdown", "by=" + encodeURIComponent(explore.value)).then(function (report) { draw(canvas, report, currency); });
      });
    }
    var container = document.getElementById("heatmap");
    if (container) { whenOpen(container, function () { heatmap(root, container); }); }
  });
})();

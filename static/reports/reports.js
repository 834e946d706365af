/* Reports page: draws Chart.js charts and the calendar heat map from /api/v1/reports/ (same filters as the page). */
(function () {
  "use strict";

  var PALETTE = ["#0b5cad", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#f4845f", "#2e4057", "#a0a4b8", "#3d9970"];

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function fetchReport(root, kind, params) {
    var url = root.dataset.api + kind + "/?" + root.dataset.query + (params ? "&" + params : "");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) { throw new Error("report " + kind + " answered " + response.status); }
      return response.json();
    });
  }

  function money(value, currency) {
    return new Intl.NumberFormat(undefined, { style: "currency", currency: currency }).format(Number(value));
  }

  function draw(canvas, report, currency) {
    var labelKey = canvas.dataset.labelKey || "label";
    var valueKey = canvas.dataset.valueKey || "total";
    var type = canvas.dataset.rchart;
    var labels = report.rows.map(function (row) { return String(row[labelKey]); });
    var values = report.rows.map(function (row) { return Number(row[valueKey]); });
    var isMoney = valueKey === "total";
    if (canvas.chart) { canvas.chart.destroy(); }
    canvas.chart = new window.Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: [{ label: isMoney ? "Spend (" + currency + ")" : "Visits", data: values,
        backgroundColor: type === "doughnut" ? PALETTE : "rgba(11, 92, 173, 0.75)", borderColor: "#0b5cad" }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: canvas.dataset.horizontal ? "y" : "x",
        plugins: {
          legend: { display: type === "doughnut", position: "right" },
          tooltip: { callbacks: { label: function (ctx) {
            var value = type === "doughnut" ? ctx.parsed : (canvas.dataset.horizontal ? ctx.parsed.x : ctx.parsed.y);
            return isMoney ? money(value, currency) : String(value);
          } } }
        },
        scales: type === "doughnut" ? {} : { x: { beginAtZero: true }, y: { beginAtZero: true } }
      }
    });
  }

  function heatmap(root, container) {
    fetchReport(root, "heatmap").then(function (report) {
      var byDay = {};
      var max = 0;
      report.rows.forEach(function (row) { byDay[row.date] = row; max = Math.max(max, Number(row.total)); });
      var day = new Date(container.dataset.from + "T00:00:00Z");
      var end = new Date(container.dataset.to + "T00:00:00Z");
      for (var pad = (day.getUTCDay() + 6) % 7; pad > 0; pad -= 1) {
        var blank = document.createElement("span");
        blank.className = "heat-cell blank";
        container.appendChild(blank);
      }
      while (day <= end) {
        var key = day.toISOString().slice(0, 10);
        var row = byDay[key];
        var cell = document.createElement("span");
        var level = row && max ? Math.min(4, Math.ceil((Number(row.total) / max) * 4)) : 0;
        cell.className = "heat-cell level-" + level;
        cell.title = key + ": " + (row ? money(row.total, report.currency) + " (" + row.visits + " visit" + (row.visits === 1 ? "" : "s") + ")" : "nothing");
        container.appendChild(cell);
        day.setUTCDate(day.getUTCDate() + 1);
      }
    }).catch(function () { container.textContent = "The heat map could not be loaded."; });
  }

  onReady(function () {
    var root = document.getElementById("report-summary");
    if (!root || !window.Chart) { return; }
    var currency = root.dataset.currency;
    var period = new URLSearchParams(root.dataset.query).get("period") || "month";
    document.querySelectorAll("canvas[data-rchart]").forEach(function (canvas) {
      var params = canvas.dataset.params || (canvas.dataset.kind === "totals" ? "period=" + period : "");
      fetchReport(root, canvas.dataset.kind, params).then(function (report) { draw(canvas, report, currency); })
        .catch(function () { canvas.replaceWith(document.createTextNode("This chart could not be loaded.")); });
    });
    var explore = document.querySelector("select[data-explore]");
    if (explore) {
      explore.addEventListener("change", function () {
        var canvas = document.getElementById("explore-chart");
        fetchReport(root, "breakdown", "by=" + encodeURIComponent(explore.value)).then(function (report) { draw(canvas, report, currency); });
      });
    }
    var container = document.getElementById("heatmap");
    if (container) { heatmap(root, container); }
  });
})();

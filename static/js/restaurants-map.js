/* Restaurants map (Leaflet from static/vendor/leaflet/) and "Use my location" for the near-me page.
   Coordinates come from a JSON data island; when tiles cannot load the markers and the list still work. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function drawMap(container) {
    var island = document.getElementById(container.dataset.pointsId);
    if (!window.L || !island) { return; }
    var points = JSON.parse(island.textContent || "[]");
    if (!points.length) { return; }
    var map = window.L.map(container, { scrollWheelZoom: false });
    var tiles = window.L.tileLayer(container.dataset.tilesUrl, { maxZoom: 19, attribution: container.dataset.attribution || "" });
    tiles.on("tileerror", function () { container.classList.add("tiles-unavailable"); });
    tiles.addTo(map);
    var bounds = [];
    points.forEach(function (point) {
      var marker = window.L.marker([point.lat, point.lng], { title: point.name, alt: point.name }).addTo(map);
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.name;
      marker.bindPopup(link);
      bounds.push([point.lat, point.lng]);
    });
    if (bounds.length === 1) { map.setView(bounds[0], 15); } else { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 }); }
    container.dataset.mapReady = String(points.length);
  }

  function enhanceNearMe(form) {
    var button = form.querySelector("[data-use-my-location]");
    var status = form.querySelector("[data-location-status]");
    if (!button || !("geolocation" in navigator)) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (status) { status.textContent = "Finding where you are…"; }
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(6);
        form.querySelector("[name=lng]").value = position.coords.longitude.toFixed(6);
        form.submit();
      }, function () {
        if (status) { status.textContent = "Your location is not available; type a latitude and longitude instead."; }
      }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
    });
  }

  onReady(function () {
    document.querySelectorAll("[data-restaurant-map]").forEach(drawMap);
    document.querySelectorAll("form[data-near-me-form]").forEach(enhanceNearMe);
  });
})();

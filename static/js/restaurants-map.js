/* Restaurants map (Leaflet from static/vendor/leaflet/), the location picker of the restaurant form, and "Use my
   location" for the near-me page.
   Coordinates come from a JSON data island; when tiles cannot load the markers and the list still work. */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // Leaflet finds its marker images from its stylesheet's URL, which hashed static names break (a 404 with DEBUG
  // off): point it at the images folder beside leaflet.js, whose unhashed copies are served too.
  function useLeafletImages() {
    var script = document.querySelector('script[src*="vendor/leaflet/leaflet"]');
    if (window.L && window.L.Icon && window.L.Icon.Default && script) {
      window.L.Icon.Default.imagePath = script.src.replace(/[^/]*$/, "images/");
    }
  }

  function drawMap(container) {
    useLeafletImages();
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

  // The restaurant form: a pin placed by tapping the map (and dragged to adjust) writes the latitude and longitude
  // fields; typing coordinates moves the pin. Works when tiles cannot load: the clicks still give coordinates.
  function drawLocationPicker(figure) {
    var container = figure.querySelector("[data-location-map]");
    var latField = document.getElementById(figure.dataset.latField);
    var lngField = document.getElementById(figure.dataset.lngField);
    if (!window.L || !container || !latField || !lngField) { return; }
    useLeafletImages();
    var map = window.L.map(container, { scrollWheelZoom: false });
    var tiles = window.L.tileLayer(figure.dataset.tilesUrl, { maxZoom: 19, attribution: figure.dataset.attribution || "" });
    tiles.on("tileerror", function () { container.classList.add("tiles-unavailable"); });
    tiles.addTo(map);
    var pin = null;

    function typed() {
      var lat = parseFloat(latField.value), lng = parseFloat(lngField.value);
      return isFinite(lat) && isFinite(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180 ? [lat, lng] : null;
    }
    function place(latlng, write) {
      if (!pin) {
        pin = window.L.marker(latlng, { draggable: true, title: "Restaurant position", alt: "Restaurant position" }).addTo(map);
        pin.on("dragend", function () { place(pin.getLatLng(), true); });
      } else {
        pin.setLatLng(latlng);
      }
      if (write) {
        var point = window.L.latLng(latlng);
        latField.value = point.lat.toFixed(6);
        lngField.value = point.lng.toFixed(6);
        [latField, lngField].forEach(function (field) { field.dispatchEvent(new Event("change", { bubbles: true })); });
      }
      figure.dataset.pinned = "1";
    }

    var start = typed();
    if (start) { map.setView(start, 16); place(start, false); } else { map.setView([20, 0], 2); }
    map.on("click", function (event) { place(event.latlng, true); });
    [latField, lngField].forEach(function (field) {
      field.addEventListener("change", function (event) {
        var point = typed();
        if (event.isTrusted && point) { place(point, false); map.setView(point, Math.max(map.getZoom(), 15)); }
      });
    });
    var here = figure.querySelector("[data-location-here]");
    if (here && "geolocation" in navigator) {
      here.hidden = false;
      here.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (position) {
          var point = [position.coords.latitude, position.coords.longitude];
          place(point, true);
          map.setView(point, 17);
        }, function () { here.textContent = "Your location is not available"; }, { timeout: 10000, maximumAge: 300000 });
      });
    }
    figure.dataset.mapReady = "1";
  }

  onReady(function () {
    document.querySelectorAll("[data-location-picker]").forEach(drawLocationPicker);
    document.querySelectorAll("[data-restaurant-map]").forEach(drawMap);
    document.querySelectorAll("form[data-near-me-form]").forEach(enhanceNearMe);
  });
})();

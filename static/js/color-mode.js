/* Colour mode: follows the system setting until the user picks light or dark (kept in localStorage).
   Loaded in <head> without defer so the page is painted in the right colours from the start. */
(function () {
  "use strict";
  var KEY = "colour-mode";
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try { return localStorage.getItem(KEY) || "auto"; } catch (e) { return "auto"; }
  }
  function resolved(mode) {
    if (mode === "light" || mode === "dark") { return mode; }
    return media && media.matches ? "dark" : "light";
  }
  function apply(mode) {
    document.documentElement.setAttribute("data-bs-theme", resolved(mode));
    document.querySelectorAll("[data-colour-mode]").forEach(function (button) {
      var active = button.getAttribute("data-colour-mode") === mode;
      button.classList.toggle("active", active);
      button.setAttribute("aria-pressed", active ? "true" : "false");
    });
  }

  apply(stored());
  if (media && media.addEventListener) {
    media.addEventListener("change", function () { if (stored() === "auto") { apply("auto"); } });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-colour-mode]") : null;
    if (!button) { return; }
    var mode = button.getAttribute("data-colour-mode");
    try { localStorage.setItem(KEY, mode); } catch (e) { /* private mode: this page only */ }
    apply(mode);
  });
  document.addEventListener("DOMContentLoaded", function () { apply(stored()); });
})();

/* Profile: when the browser's timezone (Intl) differs from the one picked in the list, say so and offer it. */
(function () {
  "use strict";

  function start() {
    var select = document.querySelector("select[name=timezone]");
    var hint = document.querySelector("[data-browser-timezone]");
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    if (!select || !hint || !zone || select.value === zone) { return; }
    if (!Array.prototype.some.call(select.options, function (option) { return option.value === zone; })) { return; }
    hint.querySelector("[data-browser-timezone-name]").textContent = zone;
    hint.classList.remove("d-none");
    hint.querySelector("[data-use-browser-timezone]").addEventListener("click", function () {
      select.value = zone;
      hint.classList.add("d-none");
    });
  }

  if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();

/* Registration: the timezone comes from the browser (Intl) into a hidden field and is chosen in the list, which stays
   the fallback: picking another one there empties the hidden field, so the person's choice wins. */
(function () {
  "use strict";

  function start() {
    var hidden = document.querySelector("input[name=browser_timezone]");
    var select = document.querySelector("select[name=timezone]");
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    if (!hidden || !zone) { return; }
    hidden.value = zone;
    if (select) {
      if (Array.prototype.some.call(select.options, function (option) { return option.value === zone; })) {
        select.value = zone;
      }
      select.addEventListener("change", function () { hidden.value = ""; });
    }
  }

  if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();

/* Expenses list: the "Export selected" bar appears once a meal is ticked and says how many are; the ticked boxes
   (also on rows loaded later) belong to the export form through their form= attribute and send ids=. */
(function () {
  "use strict";

  function start() {
    var form = document.querySelector("[data-export-selection]");
    if (!form) { return; }
    var label = form.querySelector("[data-selected-count]");
    var idle = label.textContent;
    function update() {
      var ticked = document.querySelectorAll("input[name=ids][form=export-selection]:checked").length;
      form.hidden = ticked === 0;
      form.querySelectorAll("button").forEach(function (button) { button.disabled = ticked === 0; });
      label.textContent = ticked ? "Export " + ticked + " selected as:" : idle;
    }
    document.addEventListener("change", function (event) {
      if (event.target.matches("input[name=ids][form=export-selection]")) { update(); }
    });
    update();
  }

  if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();

/* Approvals: "Select all" ticks every meal in the queue, and the bar says how many are ticked. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var all = document.querySelector("[data-select-all]");
    var count = document.querySelector("[data-selected-count]");
    if (!all) { return; }
    function boxes() { return Array.prototype.slice.call(document.querySelectorAll("input[name=expense][form=approve-selected]")); }
    function update() {
      var ticked = boxes().filter(function (box) { return box.checked; }).length;
      all.checked = ticked > 0 && ticked === boxes().length;
      all.indeterminate = ticked > 0 && ticked < boxes().length;
      if (count) { count.textContent = ticked ? ticked + " selected" : ""; }
    }
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
      update();
    });
    document.addEventListener("change", function (event) {
      if (event.target.matches && event.target.matches("input[name=expense][form=approve-selected]")) { update(); }
    });
    document.addEventListener("htmx:afterSwap", update);
  });
})();

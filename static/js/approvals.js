/* Approvals: "Select all" ticks every meal in the queue, and the bar says how many are ticked. Listeners sit on the
   document, so a queue swapped in by a live update or htmx works the same. */
(function () {
  "use strict";
  var BOX = "input[name=expense][form=approve-selected]";
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll(BOX)); }
  function update() {
    var all = document.querySelector("[data-select-all]");
    var count = document.querySelector("[data-selected-count]");
    if (!all) { return; }
    var ticked = boxes().filter(function (box) { return box.checked; }).length;
    all.checked = ticked > 0 && ticked === boxes().length;
    all.indeterminate = ticked > 0 && ticked < boxes().length;
    if (count) { count.textContent = ticked ? ticked + " selected" : ""; }
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target.matches) { return; }
    if (target.matches("[data-select-all]")) {
      boxes().forEach(function (box) { box.checked = target.checked; });
      update();
    } else if (target.matches(BOX)) {
      update();
    }
  });
  document.addEventListener("htmx:afterSwap", update);
  document.addEventListener("live:updated", update);
})();

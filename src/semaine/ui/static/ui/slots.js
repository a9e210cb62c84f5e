// "Ajouter un créneau": adds a row to the slots formset without reloading the page.
// Without JavaScript the form still works: one empty row is offered after each save.
(function () {
  "use strict";
  var button = document.getElementById("add-slot");
  var template = document.getElementById("slot-template");
  var rows = document.getElementById("slot-rows");
  var total = document.getElementById("id_slots-TOTAL_FORMS");
  if (!button || !template || !rows || !total) { return; }
  button.hidden = false;
  document.querySelectorAll(".semaine-no-js").forEach(function (el) { el.hidden = true; });
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = rows.lastElementChild.querySelector("input[type=datetime-local]");
    if (added) { added.focus(); }
  });
})();

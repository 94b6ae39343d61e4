// Phones: site.css turns each table row into a card below 40rem; this names every cell after its column
// (data-label, shown above the cell's value), read from the table's last header row. Templates need not
// change; a cell that already has data-label keeps it, and without JavaScript the cards show the values
// alone. htmx swaps are labelled again when they settle.
(function () {
  "use strict";

  function headerNames(table) {
    var head = table.tHead;
    if (!head || !head.rows.length) { return null; }
    var names = [];
    var cells = head.rows[head.rows.length - 1].cells;
    for (var i = 0; i < cells.length; i += 1) {
      var text = (cells[i].textContent || "").replace(/\s+/g, " ").trim();
      for (var span = 0; span < (cells[i].colSpan || 1); span += 1) { names.push(text); }
    }
    return names;
  }

  function label(root) {
    var tables = (root || document).querySelectorAll("table");
    for (var t = 0; t < tables.length; t += 1) {
      var names = headerNames(tables[t]);
      if (!names) { continue; }
      for (var b = 0; b < tables[t].tBodies.length; b += 1) {
        var rows = tables[t].tBodies[b].rows;
        for (var r = 0; r < rows.length; r += 1) {
          var column = 0;
          for (var c = 0; c < rows[r].cells.length; c += 1) {
            var cell = rows[r].cells[c];
            var span = cell.colSpan || 1;
            if (span === 1 && names[column] && !cell.hasAttribute("data-label")) {
              cell.setAttribute("data-label", names[column]);
            }
            column += span;
          }
        }
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { label(document); });
  } else {
    label(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.target && event.target.closest ? event.target.closest("table") : null;
    label(target ? target.parentNode : document);
  });
})();

// A table wider than its box scrolls inside it (.table-scroll); the keyboard must reach that box to
// scroll it (WCAG 2.1.1): it becomes a focusable region named after the table's caption.
(function () {
  "use strict";

  function focusable(root) {
    var boxes = (root || document).querySelectorAll(".table-scroll");
    for (var i = 0; i < boxes.length; i += 1) {
      var box = boxes[i];
      if (box.hasAttribute("tabindex")) { continue; }
      box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("role")) { box.setAttribute("role", "region"); }
      var caption = box.querySelector("caption");
      if (caption && !box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        box.setAttribute("aria-label", (caption.textContent || "").replace(/\s+/g, " ").trim());
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { focusable(document); });
  } else {
    focusable(document);
  }
  document.addEventListener("htmx:afterSettle", function () { focusable(document); });
})();

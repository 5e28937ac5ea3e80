/* The static explorers of the published book (sinorussia/explorers.py).
 *
 * Each .sr-explorer holds native drop-downs and, in a JSON script, outputs the
 * package computed when the notebook ran:
 *   {"rows": [control][option] -> positions of the rows that option lets through}
 *     the table shows the rows every control lets through (what filtered() returns);
 *   {"html": {"<option position> <option position>": "<output HTML>"}}
 *     the output is the one computed for the selected options.
 * No kernel, no widget manager, no request. The controls are disabled, and a note says
 * the output is saved, until this script has set them up (in Jupyter a saved output
 * shows the same HTML without this script).
 */
(function () {
  "use strict";

  function intersect(lists) {
    var keep = new Set(lists[0]);
    lists.slice(1).forEach(function (list) {
      var set = new Set(list);
      keep.forEach(function (k) { if (!set.has(k)) keep.delete(k); });
    });
    return keep;
  }

  function setUp(root) {
    var states = JSON.parse(root.querySelector("script.sr-explorer-states").textContent);
    var selects = Array.prototype.slice.call(root.querySelectorAll("select[data-control]"));

    function update() {
      var chosen = selects.map(function (s) { return s.selectedIndex; });
      if (states.rows) {
        var shown = intersect(states.rows.map(function (perOption, c) { return perOption[chosen[c]]; }));
        root.querySelectorAll("tr[data-k]").forEach(function (tr) { tr.hidden = !shown.has(Number(tr.dataset.k)); });
        root.querySelector(".sr-explorer-count strong").textContent = String(shown.size);
        root.querySelector(".sr-explorer-empty").hidden = shown.size > 0;
        root.querySelector(".sr-explorer-scroll").hidden = shown.size === 0;
      } else {
        root.querySelector(".sr-explorer-output").innerHTML = states.html[chosen.join(" ")];
      }
      root.dataset.state = chosen.join(" ");
    }

    selects.forEach(function (s) { s.addEventListener("change", update); s.disabled = false; });
    var bookNote = root.querySelector(".sr-explorer-book-note");    // the controls work now:
    bookNote.hidden = false;
    bookNote.style.display = "";
    root.querySelector(".sr-explorer-saved-note").hidden = true;   // say so, not "saved output"
    update();  // a browser may restore a previous choice on "back"
  }

  function start() { document.querySelectorAll(".sr-explorer").forEach(setUp); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

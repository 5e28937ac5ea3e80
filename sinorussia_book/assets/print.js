/* Printing from the browser (loaded on every page; the print layout itself is print.css):
 * paper is white, so a page read in dark mode prints in the light one — the charts follow
 * (assets/charts.js redraws them when the theme changes) — and is put back afterwards. */
(function () {
  "use strict";
  var root = document.documentElement;
  window.addEventListener("beforeprint", function () {
    if (root.getAttribute("data-theme") === "dark") {
      root.setAttribute("data-print-restore-theme", "dark");
      root.setAttribute("data-theme", "light");
    }
  });
  window.addEventListener("afterprint", function () {
    if (root.getAttribute("data-print-restore-theme")) {
      root.setAttribute("data-theme", root.getAttribute("data-print-restore-theme"));
      root.removeAttribute("data-print-restore-theme");
    }
  });
})();

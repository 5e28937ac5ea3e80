/* Search snippets that read like the page (sinorussia_book/search.py).
 *
 * Sphinx's searchtools.js makes a result's snippet from the textContent of the page's
 * main block: table cells and list items run together ("ChinaLehrer 2021") and text the
 * page hides is included (evidence popups, a self-check's answer key). This replaces
 * Search.htmlToText: hidden parts are removed and every block or cell is separated by a
 * space. Loaded on the search page only. No library, no network.
 */
(function () {
  "use strict";
  var HIDDEN = [".headerlink", "script", "style", "template", "select", "[hidden]", ".evidence-tip",
    ".sr-selfcheck-key", ".sr-selfcheck-saved-note", ".sr-selfcheck-actions", ".sr-explorer-saved-note",
    ".bd-header-article", ".onlyprint", "#jb-print-docs-body"];
  var BLOCKS = "p, div, li, td, th, tr, dt, dd, h1, h2, h3, h4, h5, h6, caption, figcaption, legend, " +
    "blockquote, pre, section, table, button, label, br, summary, details";

  function htmlToText(htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    HIDDEN.forEach(function (query) {
      doc.querySelectorAll(query).forEach(function (el) { el.remove(); });
    });
    doc.querySelectorAll(BLOCKS).forEach(function (el) {
      el.insertAdjacentText("beforebegin", " ");
      el.insertAdjacentText("afterend", " ");
    });
    var main = doc.querySelector('[role="main"]');
    var part = anchor && main && main.querySelector(anchor);
    var text = (part || main || doc.body).textContent || "";
    return text.replace(/\s+/g, " ").trim();
  }

  function install() {
    // searchtools.js declares `const Search` at the top level: a global binding, not window.Search.
    if (typeof Search !== "undefined" && !Search.sinorussiaText) {
      Search.htmlToText = htmlToText;
      Search.sinorussiaText = true;
    }
  }
  window.sinorussiaSearchText = htmlToText;
  install();
  document.addEventListener("DOMContentLoaded", install);
})();

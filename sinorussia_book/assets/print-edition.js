/* The printed edition's changes to one built page (run by sinorussia_book/pdf.py in
 * Chromium, after the charts have drawn, before printing to PDF). Not loaded by the web book.
 *
 * - each evidence marker becomes a numbered note; the notes (quote and the source's short
 *   name) close the page under "Notes";
 * - exercise solutions move, opened, to "Solutions" at the end of the page;
 * - self-checks keep their question and options; their keys (.sr-selfcheck-key) move to
 *   "Answers to the self-checks"; a self-check of the older kind (a code cell whose output
 *   asks to replace None) prints its question and where to answer it;
 * - an explorer prints its default table and the page's web address;
 * - links to other sites print their address.
 * Returns what it did, so that the builder can check and report it.
 */
window.sinorussiaPrintEdition = function (options) {
  "use strict";
  options = options || {};
  var article = document.querySelector("article.bd-article") || document.body;
  var webAddress = options.webAddress || "";  // the page's published address, or none
  var done = { notes: 0, solutions: 0, selfchecks: 0, answers: 0, oldSelfchecks: 0, explorers: 0, links: 0, charts: 0, wideCharts: 0 };
  document.documentElement.classList.add("print-edition");
  document.documentElement.setAttribute("data-theme", "light");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  function endSection(id, title) {
    var section = el("section", "print-end-section print-" + id);
    section.id = "print-" + id;
    section.appendChild(el("h2", "", title));
    return section;
  }

  function exerciseName(node) {
    var prev = node.previousElementSibling;
    while (prev && !prev.classList.contains("exercise")) { prev = prev.previousElementSibling; }
    var caption = prev && prev.querySelector(".caption-number");
    return caption ? caption.textContent.trim() : "";
  }

  // 1. Solutions, opened, to the end of the page.
  var solutions = endSection("solutions", "Solutions");
  article.querySelectorAll("div.solution").forEach(function (sol) {
    var name = exerciseName(sol) || ("Exercise " + (done.solutions + 1));
    var title = sol.querySelector(":scope > .admonition-title");
    var box = el("div", "print-solution");
    box.appendChild(el("p", "print-solution-title", "Solution to " + name.replace(/\s+$/, "")));
    Array.prototype.slice.call(sol.children).forEach(function (child) {
      if (child !== title && !child.classList.contains("toggle-button")) { box.appendChild(child); }
    });
    box.querySelectorAll(".toggle-hidden").forEach(function (h) { h.classList.remove("toggle-hidden"); });
    solutions.appendChild(box);
    var pointer = el("p", "print-pointer", "Solution: see \u201cSolutions\u201d at the end of this chapter.");
    sol.replaceWith(pointer);
    done.solutions += 1;
  });

  // 2. Self-checks: the key (new kind) to the end; the older kind says where to answer.
  var answers = endSection("answers", "Answers to the self-checks");
  article.querySelectorAll(".sr-selfcheck").forEach(function (check) {
    done.selfchecks += 1;
    var key = check.querySelector(".sr-selfcheck-key");
    if (!key) { return; }
    var box = el("div", "print-answer");
    var name = exerciseName(check.closest(".cell") || check) || ("Self-check " + done.selfchecks);
    box.appendChild(el("p", "print-answer-title", name));
    [key].concat(Array.prototype.slice.call(key.querySelectorAll("[hidden]"))).forEach(function (h) {
      h.hidden = false;
      h.style.display = "";
    });
    box.appendChild(key);
    answers.appendChild(box);
    done.answers += 1;
    check.appendChild(el("p", "print-pointer", "Answer: see \u201cAnswers to the self-checks\u201d at the end of this chapter."));
  });
  article.querySelectorAll("div.self-check").forEach(function (old) {
    if (old.closest(".sr-selfcheck")) { return; }
    var cell = old.closest(".cell");
    old.querySelectorAll("p").forEach(function (p) { if (/Replace\s+None/.test(p.textContent)) { p.remove(); } });
    if (cell) { var input = cell.querySelector(".cell_input"); if (input) { input.remove(); } }
    old.appendChild(el("p", "print-pointer", "Answer it in Jupyter (run the chapter's notebook) or in the web edition" +
      (webAddress ? ": " + webAddress : ".")));
    done.oldSelfchecks += 1;
  });

  // 3. Explorers: the default table, and where the live one is.
  article.querySelectorAll(".sr-explorer").forEach(function (explorer) {
    var note = el("p", "print-pointer print-address",
      "On paper this explorer shows its default rows. Filter them in the web edition" + (webAddress ? ": " + webAddress : "") +
      ", or in Jupyter.");
    explorer.insertBefore(note, explorer.firstChild);
    done.explorers += 1;
  });

  // 4. Links to other sites print their address (evidence links are handled below).
  article.querySelectorAll('a[href^="http"]').forEach(function (a) {
    if (a.closest("sup.evidence")) { return; }
    var href = a.getAttribute("href");
    if (a.textContent.trim() === href || a.textContent.trim() === href.replace(/^https?:\/\//, "")) { return; }
    var span = el("span", "print-address", " <" + href + ">");
    a.after(span);
    done.links += 1;
  });

  // 4b. Links to pages of the web edition that paper leaves out (a seed's reader page, the
  // grading guide) print their web address, when the book has one.
  if (options.siteUrl) {
    var printed = options.printedDocs || [];
    var here = options.pageUrl || location.href;
    var root = new URL(options.servedRoot || "/", here).href;
    article.querySelectorAll('a.reference.internal[href]:not([href^="#"])').forEach(function (a) {
      if (a.closest("sup.evidence")) { return; }
      var target = new URL(a.getAttribute("href"), here);
      if (target.href.indexOf(root) !== 0) { return; }
      var path = target.href.slice(root.length);
      if (printed.indexOf(path.split("#")[0].replace(/\.html$/, "")) >= 0) { return; }
      a.after(el("span", "print-address", " <" + options.siteUrl + path + ">"));
      done.links += 1;
    });
  }

  // 5. Evidence markers -> numbered notes, in reading order (solutions are at the end by now).
  var notes = endSection("notes", "Notes");
  var list = el("ol", "print-notes");
  notes.appendChild(list);
  var sections = [answers, solutions];
  sections.forEach(function (s) { if (s.childElementCount > 1) { article.appendChild(s); } });
  article.querySelectorAll("sup.evidence").forEach(function (sup) {
    done.notes += 1;
    var n = done.notes;
    var item = el("li");
    item.id = "print-note-" + n;
    sup.querySelectorAll(".evidence-item").forEach(function (it, k) {
      var ref = it.querySelector(".evidence-ref");
      var tip = it.querySelector(".evidence-tip");
      var source = tip && tip.querySelector(".evidence-source");
      var go = tip && tip.querySelector(".evidence-passage");  // the popup's "Read the passage" link: not on paper
      if (go) { go.remove(); }
      var sourceText = source ? source.textContent.replace(/^\s*\u2014\s*/, "").trim() : "";
      var quote = tip ? tip.textContent.replace(source ? source.textContent : "", "").trim() : "";
      // the label the page shows (a seed's short name, never its file name)
      var id = ref ? (ref.textContent.trim() || ref.getAttribute("data-evidence")) : "";
      if (k > 0) { item.appendChild(document.createTextNode(" ")); }
      var line = el("span", "print-note-item");
      line.appendChild(el("strong", "", id + ": "));
      line.appendChild(document.createTextNode(quote + (sourceText ? " \u2014 " + sourceText + "." : "")));
      item.appendChild(line);
    });
    list.appendChild(item);
    var mark = el("sup", "print-note-ref");
    var link = el("a", "", String(n));
    link.href = "#print-note-" + n;
    mark.appendChild(link);
    sup.replaceWith(mark);
  });
  if (done.notes) { article.appendChild(notes); }

  // 6. Charts: count the drawn ones (the builder waited for them).
  done.charts = document.querySelectorAll("figure.sinorussia-chart svg.marks").length;
  done.wideCharts = document.querySelectorAll('figure.sinorussia-chart[data-layout="wide"] svg.marks').length;
  return done;
};

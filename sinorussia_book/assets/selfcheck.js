/* Self-checks in the published book (sinorussia/selfcheck.py; sinorussia_book/selfcheck.py).
 *
 * Each .sr-selfcheck holds its options as buttons (disabled until this script runs) and,
 * hidden, its key: "Answer: (x)" and one explanation per option. Choosing an option shows
 * that option's explanation in a live region (read out by screen readers); the student
 * can choose again, start over ("Try again") or reveal every option's reasoning.
 * No library, no network.
 */
(function () {
  "use strict";

  function show(el, visible) {
    if (!el) return;
    el.hidden = !visible;
    el.style.display = visible ? "" : "none";
  }

  function setUp(root) {
    var choices = Array.prototype.slice.call(root.querySelectorAll(".sr-selfcheck-choice"));
    var feedback = root.querySelector(".sr-selfcheck-feedback");
    var key = root.querySelector(".sr-selfcheck-key");
    var retry = root.querySelector(".sr-selfcheck-retry");
    var reveal = root.querySelector(".sr-selfcheck-reveal");

    function reason(letter) {
      return root.querySelector('.sr-selfcheck-reason[data-option="' + letter + '"]');
    }

    function choose(button) {
      var letter = button.getAttribute("data-option");
      var why = reason(letter);
      var right = why.getAttribute("data-correct") === "true";
      choices.forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      var item = button.closest(".sr-selfcheck-option");
      item.classList.add(right ? "sr-selfcheck-right" : "sr-selfcheck-wrong");
      var verdict = right ? "Right." : "Not quite.";
      var body = why.cloneNode(true);
      var strong = body.querySelector("strong");
      if (strong) strong.remove();
      feedback.innerHTML = "";
      var head = document.createElement("strong");
      head.textContent = verdict + " (" + letter + ") ";
      feedback.appendChild(head);
      while (body.firstChild) feedback.appendChild(body.firstChild);
      if (!right) feedback.appendChild(document.createTextNode(" Try another option, or show the reasoning."));
      feedback.className = "sr-selfcheck-feedback " + (right ? "is-right" : "is-wrong");
      root.classList.toggle("sr-selfcheck-solved", right);
      show(retry, true);
    }

    function reset() {
      choices.forEach(function (b) {
        b.setAttribute("aria-pressed", "false");
        b.closest(".sr-selfcheck-option").classList.remove("sr-selfcheck-right", "sr-selfcheck-wrong");
      });
      feedback.textContent = "";
      feedback.className = "sr-selfcheck-feedback";
      root.classList.remove("sr-selfcheck-solved");
      toggleKey(false);
      show(retry, false);
      choices[0].focus();
    }

    function toggleKey(open) {
      show(key, open);
      reveal.setAttribute("aria-expanded", String(open));
      reveal.textContent = open ? "Hide the reasoning" : "Show the reasoning";
    }

    choices.forEach(function (b) {
      b.disabled = false;
      b.addEventListener("click", function () { choose(b); });
    });
    retry.addEventListener("click", reset);
    reveal.addEventListener("click", function () { toggleKey(key.hidden); });
    show(root.querySelector(".sr-selfcheck-saved-note"), false);
    show(root.querySelector(".sr-selfcheck-book-note"), true);
    show(root.querySelector(".sr-selfcheck-actions"), true);
    show(retry, false);
    root.setAttribute("data-live", "");
  }

  function start() {
    document.querySelectorAll(".sr-selfcheck:not([data-live])").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();

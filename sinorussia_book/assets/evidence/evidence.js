/* Evidence markers: keep the tooltip inside the screen, let Escape close it, and on a touch
   screen show it on the first tap.
   Reader pages: outline the highlighted quote of the row named in the address (#F07). */
(function () {
  if (window.sinorussiaEvidence) return;
  window.sinorussiaEvidence = true;
  function place(item) {
    var tip = item.querySelector(".evidence-tip");
    if (!tip) return;
    item.classList.remove("evidence-dismissed");
    tip.style.left = "0px";
    var box = tip.getBoundingClientRect();
    var room = document.documentElement.clientWidth - 8;
    if (box.right > room) tip.style.left = Math.min(0, room - box.right) + "px";
    box = tip.getBoundingClientRect();
    if (box.left < 8) tip.style.left = (parseFloat(tip.style.left) + 8 - box.left) + "px";
  }
  function onEnter(event) {
    var item = event.target.closest && event.target.closest(".evidence-item");
    if (item) place(item);
  }
  document.addEventListener("mouseover", onEnter);
  document.addEventListener("focusin", onEnter);
  // Touch: the first tap on a marker shows its popup (as focus does) instead of leaving the
  // page; a second tap on the marker, or the popup's "Read the passage" link, goes to the
  // passage. A tap elsewhere closes it. Mouse and keyboard keep one-click navigation.
  var lastPointer = "";
  document.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType || ""; }, true);
  function closeOpen(except) {
    document.querySelectorAll(".evidence-item.evidence-open").forEach(function (item) {
      if (item !== except) item.classList.remove("evidence-open");
    });
  }
  document.addEventListener("click", function (event) {
    var touch = lastPointer === "touch" || lastPointer === "pen";
    lastPointer = "";
    var ref = event.target.closest && event.target.closest(".evidence-ref");
    var item = ref && ref.closest(".evidence-item");
    if (!item) {
      if (!(event.target.closest && event.target.closest(".evidence-tip"))) closeOpen(null);
      return;
    }
    if (!touch || item.classList.contains("evidence-open")) return;
    event.preventDefault();
    closeOpen(item);
    item.classList.add("evidence-open");
    place(item);
    ref.focus({ preventScroll: true });
  });
  function quoteOf(anchor) {
    var inside = anchor.closest("mark");
    if (inside) return inside;
    for (var next = anchor.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.tagName === "MARK") return next;
      if (!next.classList.contains("reader-anchor")) return null;
    }
    return null;
  }
  function showTarget() {
    document.querySelectorAll("mark.reader-current").forEach(function (m) { m.classList.remove("reader-current"); });
    var id = decodeURIComponent(location.hash.slice(1));
    var anchor = id && document.getElementById(id);
    var mark = anchor && anchor.classList.contains("reader-anchor") && quoteOf(anchor);
    if (mark) mark.classList.add("reader-current");
  }
  window.addEventListener("hashchange", showTarget);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showTarget); else showTarget();
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".evidence-item").forEach(function (item) {
      item.classList.add("evidence-dismissed");
      item.classList.remove("evidence-open");
    });
  });
})();

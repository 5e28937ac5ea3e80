/* Evidence markers: keep the tooltip inside the screen, and let Escape close it. */
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
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll(".evidence-item").forEach(function (item) { item.classList.add("evidence-dismissed"); });
  });
})();

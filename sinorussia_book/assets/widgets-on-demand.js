/* Load the Jupyter widget manager only when a reader reaches an explorer.
 *
 * The manager (require.js + @jupyter-widgets/html-manager's embed-amd.js) is 4.4 MB,
 * 1.1 MB compressed: more than the rest of a chapter together. Readers on a weak
 * classroom network get the text and the charts first; the explorers' saved state is
 * rendered when one of them comes within a screen of the viewport. Everything is
 * loaded from this book's own _static/vendor/ folder, never from a CDN.
 */
(function () {
  "use strict";
  var VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]';
  var me = document.currentScript;
  var vendor = me.src.replace(/widgets-on-demand\.js(\?.*)?$/, "");
  var started = false;

  function addScript(src, attributes, onload) {  // onload is optional
    var script = document.createElement("script");
    script.src = vendor + src;
    Object.keys(attributes).forEach(function (name) { script.setAttribute(name, attributes[name]); });
    script.onload = onload || null;
    document.head.appendChild(script);
  }

  function load() {
    if (started) return;
    started = true;
    addScript("require.min.js", {}, function () {
      // The manager derives its font URLs from its module path: make that path absolute.
      window.require.config({ baseUrl: vendor });
      addScript("embed-amd.js", { "data-jupyter-widgets-cdn": vendor });
    });
  }

  function watch() {
    var views = Array.prototype.slice.call(document.querySelectorAll(VIEW));
    if (!views.length) return;
    if (!("IntersectionObserver" in window)) { load(); return; }
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { observer.disconnect(); load(); }
    }, { rootMargin: "100% 0px" });
    views.forEach(function (view) { observer.observe(view.parentElement); });
  }

  window.sinorussiaLoadWidgets = load;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();

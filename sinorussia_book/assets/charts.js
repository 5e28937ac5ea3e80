/* Draws the book's charts with vega alone (sinorussia_book/vega.py compiled them).
 *
 * Each <figure class="sinorussia-chart"> holds its Vega specs as JSON blocks, one per
 * layout. This script draws the layout that fits the figure's width (narrow below
 * data-narrow-below px), redraws when the width crosses that line, sets every chart's
 * `dark` signal from the theme's colour mode (html[data-theme]) and shows tooltips:
 * hovering a mark shows its data; clicking or tapping it pins the tooltip with a link
 * to the passage of the row it draws (datum.passage). Escape or a click elsewhere
 * closes it.
 */
(function () {
  "use strict";
  var views = [];
  var tip = null;
  var pinned = false;

  function isDark() { return document.documentElement.getAttribute("data-theme") === "dark"; }

  function blocks(figure) {
    var out = {};
    figure.querySelectorAll('script[type="application/json"][data-layout]').forEach(function (s) { out[s.dataset.layout] = s; });
    return out;
  }

  // A narrow layout's dataset marked sinorussiaShared takes the values of the wide layout's
  // dataset of the same name (sinorussia_book/vega.py writes shared rows once).
  function specFor(figure, layout) {
    var all = blocks(figure);
    var spec = JSON.parse(all[layout].textContent);
    var wide = null;
    (spec.data || []).forEach(function (d) {
      if (d.sinorussiaShared !== "wide") { return; }
      wide = wide || JSON.parse(all.wide.textContent);
      var source = (wide.data || []).filter(function (w) { return w.name === d.name; })[0];
      if (!source) { throw new Error("shared dataset " + d.name + " is missing from the wide layout"); }
      d.values = source.values;
      delete d.sinorussiaShared;
    });
    return spec;
  }

  function layoutFor(figure) {
    var narrowBelow = Number(figure.dataset.narrowBelow || 0);
    return figure.clientWidth < narrowBelow && blocks(figure).narrow ? "narrow" : "wide";
  }

  function tooltipElement() {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "sinorussia-tooltip";
      tip.setAttribute("role", "tooltip");
      tip.hidden = true;
      document.body.appendChild(tip);
    }
    return tip;
  }

  function hide() { if (tip) { tip.hidden = true; } pinned = false; }

  function fill(el, value, datum, pin) {
    el.textContent = "";
    var table = document.createElement("table");
    var entries = (value !== null && typeof value === "object") ? Object.keys(value).map(function (k) { return [k, value[k]]; })
      : [["", value]];
    entries.forEach(function (kv) {
      var tr = table.insertRow();
      var th = document.createElement("th"); th.textContent = kv[0]; tr.appendChild(th);
      var td = tr.insertCell(); td.textContent = kv[1] == null ? "" : String(kv[1]);
    });
    el.appendChild(table);
    if (datum && datum.passage) {
      var p = document.createElement("p");
      if (pin) {
        var a = document.createElement("a");
        a.href = datum.passage;
        a.textContent = "Read the passage of row " + (datum.row || "") + " \u2192";
        p.appendChild(a);
      } else {
        p.textContent = "Click or tap the mark for a link to its passage.";
      }
      el.appendChild(p);
    }
  }

  function place(el, event) {
    var margin = 8, x = (event && event.clientX) || 0, y = (event && event.clientY) || 0;
    el.style.left = "0px"; el.style.top = "0px";
    var w = el.offsetWidth, h = el.offsetHeight;
    var left = Math.min(Math.max(margin, x + 12), window.innerWidth - w - margin);
    var top = y + 14 + h > window.innerHeight - margin ? Math.max(margin, y - h - 12) : y + 14;
    el.style.left = left + "px"; el.style.top = top + "px";
  }

  function show(event, item, value, pin) {
    var el = tooltipElement();
    fill(el, value, item && item.datum, pin);
    el.hidden = false;
    place(el, event);
  }

  function tooltipHandler(handler, event, item, value) {
    if (pinned) { return; }
    if (value == null || value === "") { hide(); return; }
    show(event, item, value, false);
  }

  function onClick(event, item) {
    var datum = item && item.datum;
    var value = item && item.tooltip;
    if (!datum || !datum.passage || value == null) { return; }
    pinned = false;
    show(event, item, value, true);
    pinned = true;
    if (event && event.stopPropagation) { event.stopPropagation(); }
  }

  function draw(figure) {
    var layout = layoutFor(figure);
    if (figure._layout === layout) { return; }
    var holder = figure.querySelector(".sinorussia-chart-view");
    if (figure._view) { figure._view.finalize(); views.splice(views.indexOf(figure._view), 1); }
    holder.textContent = "";
    try {
      var spec = specFor(figure, layout);
      var view = new vega.View(vega.parse(spec), { renderer: "svg", container: holder, hover: true });
      view.tooltip(tooltipHandler);
      view.addEventListener("click", onClick);
      view.signal("dark", isDark());
      figure._view = view;
      figure._layout = layout;
      figure.dataset.layout = layout;
      views.push(view);
      view.runAsync().then(function () { figure.dataset.drawn = layout; }).catch(function (err) {
        holder.textContent = "Chart error: " + err;
        console.error(err);
      });
    } catch (err) {
      holder.textContent = "Chart error: " + err;
      console.error(err);
    }
  }

  function start() {
    var figures = Array.prototype.slice.call(document.querySelectorAll("figure.sinorussia-chart"));
    if (typeof vega === "undefined") {
      figures.forEach(function (f) { f.querySelector(".sinorussia-chart-view").textContent = "This chart needs the book's local vega script."; });
      return;
    }
    figures.forEach(draw);
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function (entries) { entries.forEach(function (e) { draw(e.target); }); });
      figures.forEach(function (f) { observer.observe(f); });
    }
    new MutationObserver(function () {
      var dark = isDark();
      views.forEach(function (v) { v.signal("dark", dark).runAsync(); });
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    document.addEventListener("click", function (e) { if (pinned && tip && !tip.contains(e.target)) { hide(); } });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();

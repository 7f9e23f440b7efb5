// The search page: Pagefind's JavaScript API behind a small, accessible form. Without
// JavaScript, or without a search index, the page shows browse links (.search-browse-all).
(function () {
  "use strict";
  var root = document.querySelector("[data-search]");
  if (!root) { return; }
  root.classList.add("search-js");  // hides the "needs JavaScript" sentence
  var base = root.getAttribute("data-base") || "/";
  var form = root.querySelector(".search-form");
  var input = root.querySelector("#search-q");
  var selects = Array.prototype.slice.call(root.querySelectorAll("select[data-filter]"));
  var order = root.querySelector("#search-sort");
  var status = root.querySelector(".search-status");
  var list = root.querySelector(".search-results");
  var pagefind = null;
  var timer = null;
  var generation = 0;
  var MAX = 50;
  var UI = {};
  try { UI = JSON.parse(document.getElementById("ui-strings").textContent); } catch (e) { }

  // as t() in timeline.js
  function t(key, fallback, vars) {
    var s = UI[key] || fallback;
    if (typeof s === "object") {
      s = s[new Intl.PluralRules(document.documentElement.lang).select(vars.num)] || s.other;
    }
    return s.replace(/%\((\w+)\)s/g, function (m, k) { return vars && k in vars ? vars[k] : m; });
  }

  function safeExcerpt(html, into) {
    // Keep only the text and Pagefind's <mark> highlights of an excerpt, which is cut from
    // the page: an ellipsis says so where it does not end a sentence.
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    tpl.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var m = document.createElement("mark");
        m.textContent = node.textContent;
        into.appendChild(m);
      } else {
        into.appendChild(document.createTextNode(node.textContent));
      }
    });
    var text = into.textContent.trim();
    if (text && !/[.!?…]$/.test(text)) { into.appendChild(document.createTextNode(" …")); }
  }

  function filters() {
    var out = {};
    selects.forEach(function (s) { if (s.value) { out[s.getAttribute("data-filter")] = s.value; } });
    return out;
  }

  function remember(q, f) {
    var params = new URLSearchParams();
    if (q) { params.set("q", q); }
    Object.keys(f).forEach(function (k) { params.set(k, f[k]); });
    if (order.value) { params.set("sort", order.value); }
    var qs = params.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
  }

  function show(results, total, q) {
    list.textContent = "";
    results.forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = r.url;
      a.textContent = (r.meta && r.meta.title) || r.url;
      li.appendChild(a);
      if (r.meta && r.meta.date) {
        var d = document.createElement("span");
        d.className = "search-date";
        d.textContent = r.meta.date + (r.meta.kind ? " · " + r.meta.kind : "") +
          (r.meta.turning_point ? " · " + t("turning_point", "turning point") : "");
        li.appendChild(d);
      }
      var p = document.createElement("p");
      safeExcerpt(r.excerpt || "", p);
      li.appendChild(p);
      list.appendChild(li);
    });
    var what = q ? " " + t("for_query", "for “%(query)s”", { query: q }) : "";
    var shown = total > results.length ? " " + t("showing_first", "(showing the first %(shown)s)",
      { shown: results.length }) : "";
    status.textContent = total === 0 ? t("none_found", "No entries found") + what + "."
      : t("found", { one: "%(num)s entry found", other: "%(num)s entries found" },
        { num: total }) + what + shown + ".";
  }

  async function run() {
    var q = input.value.trim();
    var f = filters();
    remember(q, f);
    var mine = ++generation;
    if (!q && Object.keys(f).length === 0) {
      list.textContent = "";
      status.textContent = "";
      return;
    }
    status.textContent = t("searching", "Searching…");
    // best match (Pagefind's relevance) unless a date order is chosen; no words: by date
    var sort = order.value || (q ? "" : "asc");
    var search = await pagefind.search(q || null, { filters: f, sort: sort ? { date: sort } : undefined });
    var data = await Promise.all(search.results.slice(0, MAX).map(function (r) { return r.data(); }));
    if (mine === generation) { show(data, search.results.length, q); }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  }

  async function start() {
    try {
      pagefind = await import(base + "pagefind/pagefind.js");
      // titles weigh more than the text, and a turning point's title more again
      await pagefind.options({ baseUrl: base,
        ranking: { metaWeights: { title: 10, turning_point: 5 } } });
    } catch (err) {
      status.textContent = t("no_index", "Search is not available here: this copy of the " +
        "site has no search index (a preview, or a build made without search). Browse instead:");
      return;
    }
    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    selects.forEach(function (s) { s.value = params.get(s.getAttribute("data-filter")) || ""; });
    order.value = ["asc", "desc"].indexOf(params.get("sort")) !== -1 ? params.get("sort") : "";
    form.hidden = false;
    root.classList.add("search-ready");
    form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
    input.addEventListener("input", schedule);
    selects.concat([order]).forEach(function (s) { s.addEventListener("change", run); });
    input.focus();
    run();
  }

  start();
})();

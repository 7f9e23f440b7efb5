// The search page: Pagefind's JavaScript API behind a small, accessible form. Without
// JavaScript, or without a search index, the page shows browse links (.search-browse-all).
(() => {
  "use strict";
  const root = document.querySelector("[data-search]");
  if (!root) { return; }
  root.classList.add("search-js");  // hides the "needs JavaScript" sentence
  const $ = (sel) => root.querySelector(sel), base = root.dataset.base || "/";
  const form = $(".search-form"), input = $("#search-q"), order = $("#search-sort");
  const status = $(".search-status"), list = $(".search-results");
  const selects = [...root.querySelectorAll("select[data-filter]")];
  const add = (parent, tag, text) => parent.appendChild(Object.assign(
    document.createElement(tag), { textContent: text }));
  let pagefind, timer, generation = 0;
  let UI = {};
  try { UI = JSON.parse(document.getElementById("ui-strings").textContent); } catch (e) { }
  // as tr() in timeline.js
  const t = (key, fallback, vars = {}) => {
    let s = UI[key] || fallback;
    if (typeof s === "object") {
      s = s[new Intl.PluralRules(document.documentElement.lang).select(vars.num)] || s.other;
    }
    return s.replace(/%\((\w+)\)s/g, (m, k) => (k in vars ? vars[k] : m));
  };

  // Keep only the text and Pagefind's <mark> highlights of an excerpt, which is cut from
  // the page: an ellipsis says so where it does not end a sentence.
  function safeExcerpt(html, into) {
    const tpl = document.createElement("template");
    tpl.innerHTML = html;
    tpl.content.childNodes.forEach((n) => (n.nodeName === "MARK" ? add(into, "mark", n.textContent) : into.append(n.textContent)));
    const text = into.textContent.trim();
    if (text && !/[.!?…]$/.test(text)) { into.append(" …"); }
  }

  const filters = () => Object.fromEntries(selects.filter((s) => s.value).map((s) => [s.dataset.filter, s.value]));

  function show(results, total, q) {
    list.textContent = "";
    results.forEach((r) => {
      const li = add(list, "li"), m = r.meta || {};
      Object.assign(add(li, "a", m.title || r.url), { href: r.url });
      if (m.date) {
        add(li, "span", m.date + (m.kind ? " · " + m.kind : "") +
          (m.turning_point ? " · " + t("turning_point", "turning point") : "")).className = "search-date";
      }
      safeExcerpt(r.excerpt || "", add(li, "p"));
    });
    const what = q ? " " + t("for_query", "for “%(query)s”", { query: q }) : "";
    const shown = total > results.length ? " " + t("showing_first", "(showing the first %(shown)s)",
      { shown: results.length }) : "";
    status.textContent = total === 0 ? t("none_found", "No entries found") + what + "."
      : t("found", { one: "%(num)s entry found", other: "%(num)s entries found" },
        { num: total }) + what + shown + ".";
  }

  async function run() {
    const q = input.value.trim(), f = filters(), mine = ++generation;
    const qs = new URLSearchParams({ ...(q && { q }), ...f, ...(order.value && { sort: order.value }) }) + "";
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
    if (!q && !Object.keys(f).length) {
      list.textContent = status.textContent = "";
      return;
    }
    status.textContent = t("searching", "Searching…");
    // best match (Pagefind's relevance) unless a date order is chosen; no words: by date
    const sort = order.value || (q ? "" : "asc");
    const search = await pagefind.search(q || null, { filters: f, sort: sort ? { date: sort } : undefined });
    const data = await Promise.all(search.results.slice(0, 50).map((r) => r.data()));
    if (mine === generation) { show(data, search.results.length, q); }
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
    const params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    selects.forEach((s) => { s.value = params.get(s.dataset.filter) || ""; });
    order.value = ["asc", "desc"].includes(params.get("sort")) ? params.get("sort") : "";
    form.hidden = false;
    root.classList.add("search-ready");
    form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 150); });
    selects.concat(order).forEach((s) => s.addEventListener("change", run));
    input.focus();
    run();
  }

  start();
})();

// Progressive enhancements only (without them: no filters, no folds): templates/README.md
(() => {
  "use strict";
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const byId = (id) => document.getElementById(id);
  const words = (text) => (text ? text.split(" ").filter(Boolean) : []);
  // the text filter ignores case and accents
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const SKIP = ["#main", "#timeline"];
  // string `key` of partials/ui-strings.html (else `fallback`), %(name)s filled in
  let UI = {};
  try { UI = JSON.parse(document.getElementById("ui-strings").textContent); } catch (e) { }
  const t = (key, fallback, vars = {}) => {
    let s = UI[key] || fallback;
    if (typeof s === "object") {
      s = s[new Intl.PluralRules(document.documentElement.lang).select(vars.num)] || s.other;
    }
    return s.replace(/%\((\w+)\)s/g, (m, k) => (k in vars ? vars[k] : m));
  };

  // Narrow screens: chart, years and filters fold behind their summaries.
  function initFolds() {
    const folds = $$("details[data-fold]");
    if (!folds.length || !window.matchMedia) { return; }
    const mq = window.matchMedia("(max-width: 47.99rem)");
    const set = (narrow) => folds.forEach((d) => { d.open = !narrow; });
    set(mq.matches);
    mq.addEventListener("change", (e) => set(e.matches));
    addEventListener("beforeprint", () => $$("details:not([open])").forEach((d) => {
      d.open = true; d.dataset.printOpened = "";
    }));
    addEventListener("afterprint", () => $$("details[data-print-opened]").forEach((d) => {
      d.open = false; delete d.dataset.printOpened;
    }));
  }

  // Skip links move focus, leaving no fragment in the URL.
  function initSkipLinks() {
    $$("a.skip-link").forEach((a) => a.addEventListener("click", (ev) => {
      const target = byId(a.getAttribute("href").slice(1));
      if (target) { ev.preventDefault(); target.focus(); }
    }));
  }

  // The chart: re-counted bars, dimmed turning points, one tab stop with arrow keys inside.
  function Chart(svg) {
    const axis = Number(svg.dataset.axis), unit = Number(svg.dataset.unit);
    const bars = $$("a", svg).map((a) => {
      const title = a.querySelector("title");
      return { el: a, year: (a.getAttribute("href") || "").slice(2), title,
               text: title ? title.textContent : "", label: a.getAttribute("aria-label"),
               rects: $$("rect:not(.hit)", a).map((r) => ({
                 el: r, cls: r.getAttribute("class"), y: r.getAttribute("y"),
                 h: r.getAttribute("height") })) };
    });
    const tps = $$(".tp[data-id]", svg);
    const links = bars.map((b) => b.el);
    const rove = (i) => links.forEach((a, j) => a.setAttribute("tabindex", j === i ? "0" : "-1"));
    rove(0);
    svg.addEventListener("keydown", (ev) => {
      const i = links.indexOf(document.activeElement);
      let next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1,
                   Home: 0, End: links.length - 1 }[ev.key];
      if (i < 0 || next === undefined) { return; }
      ev.preventDefault();
      next = Math.max(0, Math.min(links.length - 1, next));
      rove(next);
      links[next].focus();
    });
    svg.addEventListener("focusin", (ev) => {
      const i = links.indexOf(ev.target);
      if (i >= 0) { rove(i); }
    });
    // counts: {year: {family: n}}; unfiltered, the build's bars stay (they count what a
    // long home page leaves out)
    this.update = (counts, shown, filtered) => {
      bars.forEach((b) => {
        const c = counts[b.year] || {};
        let y = axis, total = 0;
        b.rects.forEach((r) => {
          const n = c[r.cls] || 0;
          total += n;
          y -= n * unit;
          r.el.setAttribute("y", filtered ? String(y) : r.y);
          r.el.setAttribute("height", filtered ? String(n ? n * unit - 1 : 0) : r.h);
        });
        const label = filtered ? t("bar_of", "%(year)s: %(shown)s of %(all)s",
          { year: b.year, shown: total, all: b.label.replace(/^\d+: /, "") }) : b.label;
        b.el.setAttribute("aria-label", label);
        if (b.title) { b.title.textContent = filtered ? label : b.text; }
        b.el.classList.toggle("is-out", filtered && total === 0);
      });
      tps.forEach((p) => p.classList.toggle("is-out", filtered && !shown[p.dataset.id]));
    };
  }

  function initFilters(form) {
    const timeline = byId("timeline");
    if (!timeline) { return; }
    const count = byId("filter-count");
    const note = byId("filter-note");
    const none = byId("no-results");
    const text = form.querySelector("#f-q");
    const groups = $$(".year-group", timeline);
    const nav = $$(".year-nav li[data-year]");
    const svg = document.querySelector("svg.overview");
    const chart = svg ? new Chart(svg) : null;
    const facets = $$("details[data-facet]", form).map((d) => ({
      key: d.dataset.facet, name: d.dataset.name, n: d.querySelector(".facet-n"),
      boxes: $$("input[type=checkbox]", d) }));
    const from = form.querySelector("select[data-range=from]");
    const to = form.querySelector("select[data-range=to]");
    const years = Array.from(from.options, (o) => o.value);
    const first = years[0], last = years[years.length - 1];
    const RANK = { tp: "turning-point", mj: "major", rt: "routine" };
    const events = $$(".event", timeline).map((li) => {
      const sig = /\bsig-(tp|mj|rt)\b/.exec(li.className), fam = /\b(f\d+)\b/.exec(li.className);
      const h = li.querySelector("h3, .title"), sum = li.querySelector(".sum");
      return {  // a table row says its year; cards and lines are in their year's group
        el: li, id: li.id, year: li.dataset.year || li.closest(".year-group").dataset.year,
        family: fam ? fam[1] : "", kind: [li.dataset.kind],
        participants: words(li.dataset.participants), topics: words(li.dataset.topics),
        outcomes: words(li.dataset.outcomes), significance: [RANK[sig ? sig[1] : "mj"]],
        text: fold(`${h ? h.textContent : ""} ${sum ? sum.textContent : ""}`),
      };
    });

    function say(unknown) {
      note.hidden = !unknown.length;
      note.textContent = unknown.length ? t("not_found", "Not found, so left out of the filters:") + " " +
        unknown.map((u) => `${u[0]} “${u[1]}”`).join(", ") + "." : "";
    }

    // URL values that match nothing: reported, then dropped
    function fromURL() {
      const q = new URLSearchParams(location.search);
      const unknown = [];
      facets.forEach((f) => {
        const wanted = q.getAll(f.name);
        f.boxes.forEach((b) => { b.checked = wanted.includes(b.value); });
        wanted.forEach((v) => {
          if (!f.boxes.some((b) => b.value === v)) { unknown.push([f.name, v]); }
        });
      });
      [[from, "from", first], [to, "to", last]].forEach(([select, key, dflt]) => {
        const v = q.get(key);
        select.value = v !== null && years.includes(v) ? v : dflt;
        if (v !== null && !years.includes(v)) { unknown.push([key, v]); }
      });
      text.value = (q.get("q") || "").slice(0, 200);
      q.forEach((v, k) => {
        if (!["q", "from", "to"].includes(k) && !facets.some((f) => f.name === k)) {
          unknown.push([k, v]);
        }
      });
      say(unknown);
      return unknown.length > 0;
    }

    function query() {
      const q = new URLSearchParams();
      facets.forEach((f) => f.boxes.forEach((b) => { if (b.checked) { q.append(f.name, b.value); } }));
      if (text.value.trim()) { q.set("q", text.value.trim()); }
      if (from.value !== first) { q.set("from", from.value); }
      if (to.value !== last) { q.set("to", to.value); }
      return q.toString();
    }

    function apply() {
      const lo = Number(from.value), hi = Number(to.value);
      const wanted = facets.map((f) => {
        const values = f.boxes.filter((b) => b.checked).map((b) => b.value);
        if (f.n) { f.n.textContent = values.length ? `(${values.length})` : ""; }
        return { key: f.key, values };
      }).filter((w) => w.values.length);
      const needles = words(fold(text.value.trim()).replace(/\s+/g, " "));
      let shown = 0;
      const perYear = {}, counts = {}, ids = {};
      events.forEach((ev) => {
        const y = Number(ev.year);
        // every facet, any of its values, every word
        const ok = y >= lo && y <= hi &&
          wanted.every((w) => w.values.some((v) => ev[w.key].includes(v))) &&
          needles.every((n) => ev.text.includes(n));
        ev.el.hidden = !ok;
        if (ok) {
          shown += 1;
          ids[ev.id] = true;
          perYear[ev.year] = (perYear[ev.year] || 0) + 1;
          const c = counts[ev.year] = counts[ev.year] || {};
          c[ev.family] = (c[ev.family] || 0) + 1;
        }
      });
      const q = query(), filtered = q !== "";
      views(q);
      groups.forEach((g) => {
        const y = g.dataset.year;
        g.hidden = !perYear[y];
        const label = g.querySelector(".year-count");
        if (label) {
          const all = label.dataset.all || label.textContent;
          label.dataset.all = all;
          label.textContent = filtered ? t("year_of", "%(shown)s of %(all)s",
            { shown: perYear[y] || 0, all }) : all;
        }
      });
      nav.forEach((li) => { li.hidden = !perYear[li.dataset.year]; });
      if (chart) { chart.update(counts, ids, filtered); }
      count.textContent = t("shown_of", { one: "%(shown)s of %(num)s event",
        other: "%(shown)s of %(num)s events" }, { shown, num: events.length });
      none.hidden = shown !== 0;
      timeline.classList.toggle("is-filtered", filtered);
    }

    // One history entry per committed change (a checkbox; a control's first change since
    // focus or a press); arrow keys on a closed select, or typing, replace it.
    let session = null;
    function write(push) {
      const q = query();
      const hash = SKIP.includes(location.hash) ? "" : location.hash;
      const url = location.pathname + (q ? "?" + q : "") + hash;
      if (url !== location.pathname + location.search + location.hash) {
        try {
          history[push ? "pushState" : "replaceState"]({ filters: q }, "", url);
        } catch (e) { /* file:// may refuse */ }
      }
    }
    function commit(control) {
      const push = control === null || control.type === "checkbox" || session !== control;
      session = control;
      say([]);
      write(push);
    }
    form.addEventListener("focusin", (ev) => { if (ev.target !== session) { session = null; } });
    form.addEventListener("pointerdown", () => { session = null; }, true);
    form.addEventListener("keydown", (ev) => {
      if (ev.target.tagName === "SELECT" && (ev.key === "Enter" || ev.key === " ")) { session = null; }
    });

    function clearAll() {
      facets.forEach((f) => f.boxes.forEach((b) => { b.checked = false; }));
      text.value = "";
      from.value = first;
      to.value = last;
      apply();
      commit(null);
    }

    form.addEventListener("change", (ev) => {
      if (ev.target === text) { return; }  // the input event has it
      if (Number(from.value) > Number(to.value)) {  // one end past the other moves both
        if (ev.target === from) { to.value = from.value; } else { from.value = to.value; }
      }
      apply();
      commit(ev.target);
    });
    let timer = null;
    text.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => { apply(); commit(text); }, 150);
    });
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      clearTimeout(timer);
      apply();
      commit(text);
    });
    form.addEventListener("reset", (ev) => { ev.preventDefault(); clearAll(); });
    $$("[data-clear]").forEach((a) => a.addEventListener("click", (ev) => {
      ev.preventDefault();
      clearAll();
      text.focus();
    }));
    addEventListener("popstate", () => { fromURL(); apply(); });
    // a link to an event the filters hide clears them
    function reveal() {
      const target = location.hash && byId(location.hash.slice(1));
      if (target && timeline.contains(target) && target.closest("[hidden]")) {
        clearAll();
        target.scrollIntoView();
      }
    }
    addEventListener("hashchange", reveal);

    const dropped = fromURL();
    apply();
    if (dropped) { write(false); }  // the URL keeps only what the filters understood
    form.hidden = false;
    reveal();
  }

  // The view switch carries the filters.
  const viewLinks = $$("a[data-view]").map((a) => [a, a.getAttribute("href")]);
  function views(q) { viewLinks.forEach(([a, h]) => a.setAttribute("href", h + (q ? "?" + q : ""))); }

  // Sortable tables (templates/README.md): a button per heading, aria-sort.
  function initSort(table) {
    const body = table.tBodies[0], rows = Array.from(body.rows);
    const heads = Array.from(table.tHead.rows[0].cells);
    const cmp = (x, y) => x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
    rows.forEach((r, i) => { r.dataset.i = i; });
    heads.forEach((th, col) => {
      const b = Object.assign(document.createElement("button"),
        { type: "button", className: "sort", textContent: th.textContent });
      th.replaceChildren(b);
      const key = (r) => (th.dataset.sort !== "num" ? r.cells[col].textContent.trim()
        : Number(col ? r.cells[col].dataset.v : r.dataset.i));
      b.addEventListener("click", () => {
        const dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        rows.slice().sort((a, c) => {
          const x = key(a), y = key(c);
          return dir * (typeof x === "number" ? x - y : cmp(x, y)) || a.dataset.i - c.dataset.i;
        }).forEach((r) => body.appendChild(r));
        heads.forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      });
    });
  }

  function initCopy(button) {
    const target = byId(button.dataset.copy);
    if (!target) { return; }
    const status = button.parentNode.querySelector(".copy-status");
    const say = (text) => { if (status) { status.textContent = text; } };
    function fallback() {
      const range = document.createRange();
      range.selectNodeContents(target);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      let ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      say(ok ? t("copied", "Citation copied.")
        : t("selected", "Citation selected: press Ctrl+C (⌘C) to copy it."));
    }
    button.hidden = false;
    button.addEventListener("click", () => {
      const text = target.textContent.replace(/\s+/g, " ").trim();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(() => say(t("copied", "Citation copied.")),
          fallback);
      } else {
        fallback();
      }
    });
  }

  if (SKIP.includes(location.hash)) {  // arrived from a skip link without this script
    history.replaceState(history.state, "", location.pathname + location.search);
  }
  // printed links show their full address (site.css prints data-abs)
  $$(".event h3 a, .event .title, .related a, .prose a[href^='/']").forEach((a) => { a.dataset.abs = a.href; });
  initFolds();
  initSkipLinks();
  const form = byId("filters");
  const svg = document.querySelector("svg.overview");
  if (form) { initFilters(form); } else if (svg) { new Chart(svg); }
  $$("table[data-sortable]").forEach(initSort);
  $$("button[data-copy]").forEach(initCopy);
})();

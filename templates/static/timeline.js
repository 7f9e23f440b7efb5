// Progressive enhancements (strict, in its own scope, deferred: a classic script, as a module
// would not run from a copy opened from disk). Without it the filters stay hidden, the facet
// pages serve, the chart's years are plain links and nothing folds. See templates/README.md.
(() => {
"use strict";
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
const byId = (id) => document.getElementById(id);
const on = (target, type, f, capture) => target.addEventListener(type, f, capture);
const words = (text = "") => text.split(" ").filter(Boolean);
// case and accents do not matter to the text filter
const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
const SKIP = ["#main", "#timeline"];
// string `key` of partials/ui-strings.html (else `fallback`), %(name)s filled in
let UI = {};
try { UI = JSON.parse(byId("ui-strings").textContent); } catch (e) { }
const tr = (key, fallback, vars = {}) => {
  let s = UI[key] || fallback;
  if (typeof s === "object") {
    s = s[new Intl.PluralRules(document.documentElement.lang).select(vars.num)] || s.other;
  }
  return s.replace(/%\((\w+)\)s/g, (m, k) => (k in vars ? vars[k] : m));
};
const add = (parent, tag, text, value) => parent.appendChild(Object.assign(
  document.createElement(tag), text === undefined ? {} : { textContent: text }, value ? { value } : {}));

// On narrow screens the chart, years and filters fold behind their summaries.
function initFolds() {
  const folds = $$("details[data-fold]");
  if (!folds.length) { return; }
  const mq = matchMedia("(max-width: 47.99rem)");
  const set = (narrow) => folds.forEach((d) => { d.open = !narrow; });
  set(mq.matches);
  on(mq, "change", (e) => set(e.matches));
  on(window, "beforeprint", () => $$("details:not([open])").forEach((d) => {
    d.open = true; d.dataset.printOpened = "";
  }));
  on(window, "afterprint", () => $$("details[data-print-opened]").forEach((d) => {
    d.open = false; delete d.dataset.printOpened;
  }));
}

// Skip links move focus; the URL keeps no fragment that later links would carry.
function initSkipLinks() {
  $$("a.skip-link").forEach((a) => on(a, "click", (ev) => {
    const target = byId(a.hash.slice(1));
    if (target) { ev.preventDefault(); target.focus(); }
  }));
}

// The chart: re-counted bars, dimmed turning points, one tab stop with arrow keys inside.
function Chart(svg) {
  const axis = Number(svg.dataset.axis), unit = Number(svg.dataset.unit);
  const bars = $$("a", svg).map((a) => {
    const title = a.querySelector("title"), at = (e, n) => e.getAttribute(n);
    return { el: a, year: (at(a, "href") || "").slice(2), title, text: title?.textContent,
      label: at(a, "aria-label"), rects: $$("rect:not(.hit)", a).map((r) => ({
        el: r, cls: at(r, "class"), y: at(r, "y"), h: at(r, "height") })) };
  });
  const tps = $$(".tp[data-id]", svg), links = bars.map((b) => b.el);
  const rove = (i) => links.forEach((a, j) => a.setAttribute("tabindex", j === i ? "0" : "-1"));
  rove(0);
  on(svg, "keydown", (ev) => {
    const i = links.indexOf(document.activeElement);
    let next = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1,
    Home: 0, End: links.length - 1 }[ev.key];
    if (i < 0 || next === undefined) { return; }
    ev.preventDefault();
    next = Math.max(0, Math.min(links.length - 1, next));
    rove(next);
    links[next].focus();
  });
  on(svg, "focusin", (ev) => links.includes(ev.target) && rove(links.indexOf(ev.target)));
  // counts: {year: {family: n}}; unfiltered, the build's bars stay (they count all entries)
  this.update = (counts, shown, filtered) => {
    bars.forEach((b) => {
      const c = counts[b.year] || {};
      let y = axis, total = 0;
      b.rects.forEach((r) => {
        const n = c[r.cls] || 0;
        total += n;
        y -= n * unit;
        r.el.setAttribute("y", filtered ? y : r.y);
        r.el.setAttribute("height", filtered ? n && n * unit - 1 : r.h);
      });
      const label = filtered ? tr("bar_of", "%(year)s: %(shown)s of %(all)s",
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
  const [count, note, none, text] = ["filter-count", "filter-note", "no-results", "f-q"].map(byId);
  const groups = $$(".year-group", timeline), nav = $$(".year-nav li[data-year]");
  const chart = svg && new Chart(svg);  // the page's chart (below)
  const facets = $$("details[data-facet]", form).map((d) => ({
    key: d.dataset.facet, name: d.dataset.name, n: d.querySelector(".facet-n"),
    boxes: $$("input[type=checkbox]", d) }));
  const [from, to] = $$("select[data-range]", form);  // from, then to
  const years = [...from.options].map((o) => o.value);
  const first = years[0], last = years.at(-1);
  const RANK = { tp: "turning-point", mj: "major", rt: "routine" };
  const events = $$(".event", timeline).map((li) => {
    const sig = /\bsig-(tp|mj|rt)\b/.exec(li.className), fam = /\b(f\d+)\b/.exec(li.className);
    const h = li.querySelector("h3 a, a.title, .title"), sum = (li.querySelector(".sum") || h).textContent;
    return {  // a table row says its year; cards and lines are in their year's group
      el: li, id: li.id, year: li.dataset.year || li.closest(".year-group").dataset.year,
      family: fam?.[1], kind: [li.dataset.kind],
      participants: words(li.dataset.participants), topics: words(li.dataset.topics),
      outcomes: words(li.dataset.outcomes), significance: [RANK[sig ? sig[1] : "mj"]],
      h, sum, text: fold(`${h.textContent} ${sum}`),
    };
  });

  function say(unknown) {
    note.hidden = !unknown.length;
    note.textContent = unknown.length ? tr("not_found", "Not found, so left out of the filters:") + " " +
      unknown.map((u) => `${u[0]} “${u[1]}”`).join(", ") + "." : "";
  }

  // values in the URL that match nothing are reported, then dropped from it
  function fromURL() {
    const q = new URLSearchParams(location.search), unknown = [];
    facets.forEach((f) => {
      const wanted = q.getAll(f.name);
      f.boxes.forEach((b) => { b.checked = wanted.includes(b.value); });
      wanted.forEach((v) => f.boxes.some((b) => b.value === v) || unknown.push([f.name, v]));
    });
    [[from, "from", first], [to, "to", last]].forEach(([select, key, dflt]) => {
      const v = q.get(key), ok = years.includes(v);
      select.value = ok ? v : dflt;
      if (v !== null && !ok) { unknown.push([key, v]); }
    });
    text.value = (q.get("q") || "").slice(0, 200);
    q.forEach((v, k) => ["q", "from", "to"].includes(k) || facets.some((f) => f.name === k) ||
      unknown.push([k, v]));
    say(unknown);
    return unknown.length > 0;
  }

  function query() {
    const q = new URLSearchParams();
    facets.forEach((f) => f.boxes.forEach((b) => b.checked && q.append(f.name, b.value)));
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
      // all facets together, any value within a facet, every word of the text
      const ok = y >= lo && y <= hi &&
        wanted.every((w) => w.values.some((v) => ev[w.key].includes(v))) &&
        needles.every((n) => ev.text.includes(n));
      ev.el.hidden = !ok;
      if (ok) {
        shown += ids[ev.id] = 1;
        perYear[ev.year] = (perYear[ev.year] || 0) + 1;
        const c = counts[ev.year] = counts[ev.year] || {};
        c[ev.family] = (c[ev.family] || 0) + 1;
      }
    });
    const q = query(), filtered = q !== "";
    viewLinks.forEach(([a, href]) => a.setAttribute("href", href + (q ? "?" + q : "")));
    groups.forEach((g) => {
      const n = perYear[g.dataset.year], label = g.querySelector(".year-count");
      g.hidden = !n;
      if (label) {
        const all = label.dataset.all = label.dataset.all || label.textContent;
        label.textContent = filtered ? tr("year_of", "%(shown)s of %(all)s", { shown: n || 0, all }) : all;
      }
    });
    nav.forEach((li) => { li.hidden = !perYear[li.dataset.year]; });
    if (chart) { chart.update(counts, ids, filtered); }
    count.textContent = tr("shown_of", { one: "%(shown)s of %(num)s event",
      other: "%(shown)s of %(num)s events" }, { shown, num: events.length });
    none.hidden = shown !== 0;
    timeline.classList.toggle("is-filtered", filtered);
  }

  // One history entry per committed change: a checkbox, or a control's first change since
  // it got focus or a pointer press; arrow keys on a closed select or typing then replace it.
  let session;
  function write(push) {
    const q = query(), hash = SKIP.includes(location.hash) ? "" : location.hash;
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
  on(form, "focusin", (ev) => { if (ev.target !== session) { session = null; } });
  on(form, "pointerdown", () => { session = null; }, true);
  on(form, "keydown", (ev) => {
    if (ev.target.tagName === "SELECT" && ["Enter", " "].includes(ev.key)) { session = null; }
  });

  function clearAll() {
    facets.forEach((f) => f.boxes.forEach((b) => { b.checked = false; }));
    text.value = "";
    from.value = first;
    to.value = last;
    apply();
    commit(null);
  }

  on(form, "change", (ev) => {
    if (ev.target === text) { return; }  // the input event has it
    if (Number(from.value) > Number(to.value)) {  // one end past the other moves both
      if (ev.target === from) { to.value = from.value; } else { from.value = to.value; }
    }
    apply();
    commit(ev.target);
  });
  let timer;
  const typed = () => { clearTimeout(timer); apply(); commit(text); };
  on(text, "input", () => { clearTimeout(timer); timer = setTimeout(typed, 150); });
  on(form, "submit", (ev) => { ev.preventDefault(); typed(); });
  on(form, "reset", (ev) => { ev.preventDefault(); clearAll(); });
  $$("[data-clear]").forEach((a) => on(a, "click", (ev) => {
    ev.preventDefault();
    clearAll();
    text.focus();
  }));
  on(window, "popstate", () => { fromURL(); apply(); });

  // "Download this selection": the cards shown, as CSV or JSON
  const cell = (v) => `"${v.replace(/^[=+\-@\t\r]/, "'$&").replace(/"/g, '""')}"`;
  $$("a[data-selection]").forEach((a) => on(a, "click", (e) => {
    e.preventDefault();
    const csv = a.dataset.selection === "csv", rows = events.filter((v) => !v.el.hidden)
      .map(({ el, id, h, sum, kind, significance, participants, topics, outcomes }) => {
        const [start, end] = $$("time", el), l = (v) => v.join("; ");
        return { id, date: start.dateTime, end: end?.dateTime || "", title: h.textContent,
          summary: sum, kind: kind[0], significance: significance[0],
          participant_ids: l(participants), topic_ids: l(topics), outcomes: l(outcomes), url: h.href };
      });
    const cols = Object.keys(rows[0] || { id: 0 });
    save(csv ? [cols, ...rows.map((r) => cols.map((c) => cell(r[c])))].join("\r\n") + "\r\n"
      : JSON.stringify({ source: location.href, entries: rows }, null, 1),
    "timeline-selection." + a.dataset.selection);
  }));
  // a link to a year or event the filters hide shows everything again
  function reveal() {
    const target = location.hash && byId(location.hash.slice(1));
    if (target && timeline.contains(target) && target.closest("[hidden]")) {
      clearAll();
      target.scrollIntoView();
    }
  }
  on(window, "hashchange", reveal);

  const dropped = fromURL();
  apply();
  if (dropped) { write(false); }  // the URL keeps only what the filters understood
  form.hidden = false;
  reveal();
}

// The view switch carries the filters.
const viewLinks = $$("a[data-view]").map((a) => [a, a.getAttribute("href")]);

// Sortable tables (templates/README.md): a button per heading, aria-sort.
function initSort(table) {
  const body = table.tBodies[0], rows = [...body.rows], heads = [...table.tHead.rows[0].cells];
  const cmp = (x, y) => x.localeCompare(y, undefined, { numeric: true, sensitivity: "base" });
  rows.forEach((r, i) => { r.dataset.i = i; });
  heads.forEach((th, col) => {
    const b = Object.assign(document.createElement("button"),
      { type: "button", className: "sort", textContent: th.textContent });
    th.replaceChildren(b);
    const key = (r) => (th.dataset.sort !== "num" ? r.cells[col].textContent.trim()
      : Number(col ? r.cells[col].dataset.v : r.dataset.i));
    on(b, "click", () => {
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

const save = (text, download) => Object.assign(document.createElement("a"),
  { href: URL.createObjectURL(new Blob([text])), download }).click();
const iso = (parts, sep = "-") => parts.map((n) => `${n}`.padStart(2, "0")).join(sep);

// "Copy citation" fills in the access date; "Cite as" makes BibTeX, RIS and CSL-JSON when
// opened, from the JSON-LD and the dataset's record (citation.json, linked below them).
function initCite(box) {
  const [sentence, files] = $$("p", box), made = { "": sentence }, d = new Date();
  const today = [d.getFullYear(), d.getMonth() + 1, d.getDate()];
  const ld = JSON.parse($$("[type='application/ld+json']")[0].text);
  const { headline: title, url } = ld, key = url.split("/").at(-2);
  const actions = document.createElement("p"), formats = document.createElement("details");
  actions.className = "cite-actions";
  formats.className = "cite-formats";
  sentence.after(actions, formats);
  add(actions, "button", tr("copy", "Copy citation"), "copy");
  actions.append(" ");
  const status = add(actions, "span");
  status.setAttribute("role", "status");
  add(formats, "summary", tr("cite_as", "Cite as BibTeX, RIS or CSL-JSON"));
  const say = (text) => { status.textContent = text; };
  on(box, "click", ({ target }) => {
    const [verb, ext = ""] = (target.value || "").split(" "), el = made[ext];
    if (!el) { return; }
    const text = el.textContent = el.textContent.replace("[date]", iso(today));
    if (verb === "save") { return save(text, `${key}.${ext}`); }
    // without a clipboard (no https) the reader copies the selection
    Promise.resolve().then(() => navigator.clipboard.writeText(text)).then(() => say(tr("copied", "Citation copied.")),
      () => say(tr("selected", "Citation selected: press Ctrl+C (⌘C) to copy it."), getSelection().selectAllChildren(el)));
  });
  on(formats, "toggle", () => made.bib || (made.bib = fetch(files.querySelector("[href$=json]").href)
    .then((r) => r.json()).then(([set]) => {
      const eds = (set.editor || []).map((e) => e.literal), one = (v) => `${v}`.replace(/\s+/g, " ").trim();
      const issued = (ld.dateModified || iso(set.issued["date-parts"][0])).split("-");
      const tex = (v) => one(v).replace(/[\\{}$&%#_~^]/g, (c) => ({ "\\": "\\textbackslash{}",
        "~": "\\textasciitilde{}", "^": "\\textasciicircum{}" })[c] || "\\" + c);
      const bib = [["title", `{${tex(title)}}`], ["editor", eds.map((n) => `{${tex(n)}}`)
        .join(" and ")], ["publisher", tex(set.publisher)], ["howpublished", tex(set.title)],
      ["year", issued[0]], ["date", iso(issued)], ["version", tex(set.version)],
      ["url", url.replace(/[\\{}]/g, encodeURIComponent)], ["urldate", iso(today)]];
      const ris = [["TY", "ELEC"], ["TI", title], ...eds.map((n) => ["A2", n]), ["PB", set.publisher],
        ["T2", set.title], ["PY", issued[0]], ["DA", iso(issued, "/")], ["ET", set.version],
        ["UR", url], ["Y2", iso(today, "/")], ["ER", ""]];
      [["BibTeX", "bib", `@misc{${key},\n${bib.filter((f) => f[1]).map(([k, v]) => `  ${k} = {${v}}`)
        .join(",\n")}\n}\n`], ["RIS", "ris", ris.map(([t, v]) => `${t}  - ${one(v)}\n`).join("")],
      ["CSL-JSON", "json", JSON.stringify([{ id: key, type: "webpage", title, editor: set.editor,
        publisher: set.publisher, "container-title": set.title, issued: { "date-parts":
        [issued.map(Number)] }, version: set.version, URL: url,
        accessed: { "date-parts": [today] } }], null, 1)]].forEach(([label, ext, text]) => {
        add(formats, "h3", label);
        made[ext] = add(formats, "pre", text);
        add(add(formats, "p"), "button", tr("download", "Download %(label)s", { label }), "save " + ext);
      });
    }, () => say(tr("unavailable", "Not available; see the dataset's below.")))));
}

if (SKIP.includes(location.hash)) {  // arrived from a skip link without this script
  history.replaceState(history.state, "", location.pathname + location.search);
}
initFolds();
initSkipLinks();
const form = byId("filters");
const svg = document.querySelector("svg.overview");
if (form) { initFilters(form); } else if (svg) { new Chart(svg); }
$$("table[data-sortable]").forEach(initSort);
$$(".cite").forEach(initCite);
})();

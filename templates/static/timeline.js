// Progressive enhancements; without this file the filters stay hidden, the facet pages
// serve, the chart's years are plain links and nothing folds. See templates/README.md.
(() => {
  "use strict";
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const words = (text) => (text ? text.split(" ").filter(Boolean) : []);
  // case and accents do not matter to the text filter
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const SKIP = ["#main", "#timeline"];

  // On narrow screens the chart, years and filters fold behind their summaries.
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

  // Skip links move focus; the URL keeps no fragment that later links would carry.
  function initSkipLinks() {
    $$("a.skip-link").forEach((a) => a.addEventListener("click", (ev) => {
      const target = document.getElementById(a.getAttribute("href").slice(1));
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
    // counts: {year: {family: n}}; unfiltered, the build's bars stay (they count all entries)
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
        const label = filtered ? `${b.year}: ${total} of ${b.label.replace(/^\d+: /, "")}`
          : b.label;
        b.el.setAttribute("aria-label", label);
        if (b.title) { b.title.textContent = filtered ? label : b.text; }
        b.el.classList.toggle("is-out", filtered && total === 0);
      });
      tps.forEach((p) => p.classList.toggle("is-out", filtered && !shown[p.dataset.id]));
    };
  }

  function initFilters(form) {
    const timeline = document.getElementById("timeline");
    if (!timeline) { return; }
    const count = document.getElementById("filter-count");
    const note = document.getElementById("filter-note");
    const none = document.getElementById("no-results");
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
      const h = li.querySelector("h3 a"), sum = (li.querySelector(".sum") || h).textContent;
      return {
        el: li, id: li.id, year: li.closest(".year-group").dataset.year,
        family: fam ? fam[1] : "", kind: [li.dataset.kind],
        participants: words(li.dataset.participants), topics: words(li.dataset.topics),
        outcomes: words(li.dataset.outcomes), significance: [RANK[sig ? sig[1] : "mj"]],
        h, sum, text: fold(`${h.textContent} ${sum}`),
      };
    });

    function say(unknown) {
      note.hidden = !unknown.length;
      note.textContent = unknown.length ? "Not found, so left out of the filters: " +
        unknown.map((u) => `${u[0]} “${u[1]}”`).join(", ") + "." : "";
    }

    // values in the URL that match nothing are reported, then dropped from it
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
        // all facets together, any value within a facet, every word of the text
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
      const filtered = query() !== "";
      groups.forEach((g) => {
        const y = g.dataset.year;
        g.hidden = !perYear[y];
        const label = g.querySelector(".year-count");
        if (label) {
          const all = label.dataset.all || label.textContent;
          label.dataset.all = all;
          label.textContent = filtered ? `${perYear[y] || 0} of ${all}` : all;
        }
      });
      nav.forEach((li) => { li.hidden = !perYear[li.dataset.year]; });
      if (chart) { chart.update(counts, ids, filtered); }
      count.textContent = `${shown} of ${events.length} events`;
      none.hidden = shown !== 0;
      timeline.classList.toggle("is-filtered", filtered);
    }

    // One history entry per committed change: a checkbox, or a control's first change since
    // it got focus or a pointer press; arrow keys on a closed select or typing then replace it.
    let session = null;
    function write(push) {
      const q = query();
      const hash = SKIP.includes(location.hash) ? "" : location.hash;
      const url = location.pathname + (q ? "?" + q : "") + hash;
      if (url !== location.pathname + location.search + location.hash) {
        history[push ? "pushState" : "replaceState"]({ filters: q }, "", url);
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

    // "Download this selection": the cards shown, as CSV or JSON
    const cell = (v) => `"${v.replace(/^[=+\-@\t\r]/, "'$&").replace(/"/g, '""')}"`;
    $$("a[data-selection]").forEach((a) => a.addEventListener("click", (e) => {
      e.preventDefault();
      const csv = a.dataset.selection === "csv", rows = events.filter((v) => !v.el.hidden)
        .map(({ el, id, h, sum, kind, significance, participants, topics, outcomes }) => {
          const [t, end] = $$(".meta time", el);
          return { id, date: t.dateTime, end: end ? end.dateTime : "", title: h.textContent,
            summary: sum, kind: kind[0], significance: significance[0], participant_ids:
            participants.join("; "), topic_ids: topics.join("; "), outcomes: outcomes.join("; "),
            url: h.href };
        });
      const cols = Object.keys(rows[0] || { id: 0 });
      save(csv ? [cols, ...rows.map((r) => cols.map((c) => cell(r[c])))].join("\r\n") + "\r\n"
        : JSON.stringify({ source: location.href, entries: rows }, null, 1),
      "timeline-selection." + a.dataset.selection, csv ? "text/csv" : "application/json");
    }));
    // a link to a year or event the filters hide shows everything again
    function reveal() {
      const target = location.hash && document.getElementById(location.hash.slice(1));
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

  // "[date]" in a citation becomes today's date when it is copied or downloaded
  function accessed(el) {
    const d = new Date(), ymd = [d.getFullYear(), d.getMonth() + 1, d.getDate()];
    el.textContent = el.textContent.replace(/\{\s*"raw": "\[date\]"\s*\}/, `{"date-parts": [[${ymd}]]}`)
      .replace(/\[date\]/g, ymd.map((n) => `${n}`.padStart(2, "0")).join(el.dataset.cite === "ris" ? "/" : "-"));
    return el.tagName === "PRE" ? el.textContent : el.textContent.replace(/\s+/g, " ").trim();
  }

  const save = (text, download, type) => Object.assign(document.createElement("a"),
    { href: URL.createObjectURL(new Blob([text], { type })), download }).click();

  function initCite(button) {
    const { copy, download } = button.dataset, box = button.closest(".cite");
    const target = document.getElementById(copy || download);
    const say = (t) => { box.querySelector(".copy-status").textContent = t; };
    const select = () => {
      getSelection().selectAllChildren(target);
      say("Citation selected: press Ctrl+C (⌘C) to copy it.");
    };
    button.hidden = false;
    button.addEventListener("click", () => {
      const text = accessed(target);
      if (download) {
        save(text, `${box.dataset.key}.${target.dataset.cite}`, "text/plain");
      } else if (window.isSecureContext) {
        navigator.clipboard.writeText(text).then(() => say("Citation copied."), select);
      } else {
        select();
      }
    });
  }

  if (SKIP.includes(location.hash)) {  // arrived from a skip link without this script
    history.replaceState(history.state, "", location.pathname + location.search);
  }
  initFolds();
  initSkipLinks();
  const form = document.getElementById("filters");
  const svg = document.querySelector("svg.overview");
  if (form) { initFilters(form); } else if (svg) { new Chart(svg); }
  $$("button[data-copy], button[data-download]").forEach(initCite);
})();

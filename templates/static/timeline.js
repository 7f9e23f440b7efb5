// The timeline's progressive enhancements: filters on the home page (state in the URL
// query, back button, live count, clear-all) and the "Copy citation" button on entries.
// Everything works without this file: the filters stay hidden and the facet pages serve.
(function () {
  "use strict";

  function list(nodes) { return Array.prototype.slice.call(nodes); }
  function words(text) { return text ? text.split(" ").filter(Boolean) : []; }
  function has(select, value) {
    return list(select.options).some(function (o) { return o.value === value; });
  }

  function initFilters(form) {
    var timeline = document.getElementById("timeline");
    if (!timeline) { return; }
    var count = document.getElementById("filter-count");
    var none = document.getElementById("no-results");
    var groups = list(timeline.querySelectorAll(".year-group"));
    var nav = list(document.querySelectorAll(".year-nav li[data-year]"));
    var bars = list(document.querySelectorAll("svg.overview a"));
    var facets = list(form.querySelectorAll("select[data-facet]"));
    var from = form.querySelector("select[data-range=from]");
    var to = form.querySelector("select[data-range=to]");
    var first = from.options[0].value;
    var last = to.options[to.options.length - 1].value;
    var events = list(timeline.querySelectorAll(".event")).map(function (li) {
      return {
        el: li,
        year: Number(li.getAttribute("data-year")),
        kind: [li.getAttribute("data-kind")],
        participants: words(li.getAttribute("data-participants")),
        topics: words(li.getAttribute("data-topics")),
        outcomes: words(li.getAttribute("data-outcomes"))
      };
    });

    function fromURL() {
      var q = new URLSearchParams(location.search);
      facets.forEach(function (s) {
        var v = q.get(s.name) || "";
        s.value = has(s, v) ? v : "";
      });
      var f = q.get("from"), t = q.get("to");
      from.value = f && has(from, f) ? f : first;
      to.value = t && has(to, t) ? t : last;
    }

    function query() {
      var q = new URLSearchParams();
      facets.forEach(function (s) { if (s.value) { q.set(s.name, s.value); } });
      if (from.value !== first) { q.set("from", from.value); }
      if (to.value !== last) { q.set("to", to.value); }
      return q.toString();
    }

    function apply() {
      var lo = Number(from.value), hi = Number(to.value);
      var wanted = facets.filter(function (s) { return s.value; }).map(function (s) {
        return { key: s.getAttribute("data-facet"), value: s.value };
      });
      var shown = 0;
      var years = {};
      events.forEach(function (ev) {
        var ok = ev.year >= lo && ev.year <= hi && wanted.every(function (w) {
          return ev[w.key].indexOf(w.value) !== -1;
        });
        ev.el.hidden = !ok;
        if (ok) { shown += 1; years[ev.year] = (years[ev.year] || 0) + 1; }
      });
      groups.forEach(function (g) {
        var y = g.getAttribute("data-year");
        g.hidden = !years[y];
        var label = g.querySelector(".year-count");
        if (label) {
          var all = label.getAttribute("data-all") || label.textContent;
          label.setAttribute("data-all", all);
          label.textContent = filtered() ? years[y] + " of " + all : all;
        }
      });
      nav.forEach(function (li) { li.hidden = !years[li.getAttribute("data-year")]; });
      bars.forEach(function (a) {  // the chart keeps every year, dimming those filtered out
        a.classList.toggle("is-out", !years[(a.getAttribute("href") || "").slice(2)]);
      });
      count.textContent = shown + " of " + events.length + " events";
      none.hidden = shown !== 0;
      timeline.classList.toggle("is-filtered", shown !== events.length);
    }

    function filtered() {
      return query() !== "";
    }

    function commit() {
      var q = query();
      var url = location.pathname + (q ? "?" + q : "") + location.hash;
      if (url !== location.pathname + location.search + location.hash) {
        history.pushState({ filters: q }, "", url);
      }
    }

    function clearAll() {
      facets.forEach(function (s) { s.value = ""; });
      from.value = first;
      to.value = last;
      apply();
      commit();
    }

    form.addEventListener("change", function (ev) {
      // Keep the range the right way round: moving one end past the other moves both.
      if (Number(from.value) > Number(to.value)) {
        if (ev.target === from) { to.value = from.value; } else { from.value = to.value; }
      }
      apply();
      commit();
    });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); apply(); commit(); });
    form.addEventListener("reset", function (ev) { ev.preventDefault(); clearAll(); });
    list(document.querySelectorAll("[data-clear]")).forEach(function (a) {
      a.addEventListener("click", function (ev) {
        ev.preventDefault();
        clearAll();
        facets[0].focus();
      });
    });
    window.addEventListener("popstate", function () { fromURL(); apply(); });
    // A link to a year or an event the filters hide (the chart, a shared #anchor) shows
    // everything again rather than leading nowhere.
    function reveal() {
      var target = location.hash && document.getElementById(location.hash.slice(1));
      if (target && timeline.contains(target) && target.closest("[hidden]")) {
        clearAll();
        target.scrollIntoView();
      }
    }
    window.addEventListener("hashchange", reveal);

    fromURL();
    apply();
    form.hidden = false;
    reveal();
  }

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function initCopy(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) { return; }
    var status = button.parentNode.querySelector(".copy-status");
    function say(text) { if (status) { status.textContent = text; } }
    function fallback() {
      selectText(target);
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      say(ok ? "Citation copied." : "Citation selected: press Ctrl+C (⌘C) to copy it.");
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = target.textContent.replace(/\s+/g, " ").trim();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { say("Citation copied."); },
          fallback);
      } else {
        fallback();
      }
    });
  }

  var form = document.getElementById("filters");
  if (form) { initFilters(form); }
  list(document.querySelectorAll("button[data-copy]")).forEach(initCopy);
})();

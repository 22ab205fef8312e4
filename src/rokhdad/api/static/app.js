// The rokhdad web page: map, timeline and list of incidents driven by one set of filters,
// an incident panel with each article's evidence highlighted, and a paste box (POST /extract).
// Invariant: text from the API is only ever put in the DOM as text nodes (textContent),
// and every highlight is a slice [start, end) of the article's ORIGINAL text.
"use strict";

(function () {
  const TYPES = ["ASSAULT", "PROTEST", "COERCE", "MOBILIZE"];
  const TYPE_COLORS = { ASSAULT: "#c62828", PROTEST: "#1565c0", COERCE: "#ef6c00", MOBILIZE: "#2e7d32" };
  const OTHER_COLOR = "#616161";
  const REGION = [[12, 25], [42, 75]];  // south-west and north-east corners (lat, lon) of the region covered
  const FILTERS = ["since", "until", "type", "country", "actor", "place"];
  const MAP_LIMIT = 5000;  // the API's largest page: the map shows every match up to it
  const PAGE = 100;        // list rows added by each "More"
  const DAY = 86400000;    // ms
  const TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";  // only when the user switches tiles on
  // span field -> highlight class (colour); unknown fields fall back to "type"
  const FIELD_CLASS = {
    evidence: "evidence", type: "type", mode: "type", date: "date", place: "place",
    actors: "actor", targets: "actor", attributed_to: "attribution", claimed_by: "attribution",
    denied_by: "attribution", sources: "source", "attributed_to.by": "source", "claimed_by.by": "source",
    "denied_by.by": "source", fatalities: "casualties", injured: "casualties", weapon: "weapon",
    weapon_count: "weapon",
  };
  const LEGEND_FIELDS = ["evidence", "date", "place", "actors", "attributed_to", "sources", "fatalities", "weapon", "type"];

  const state = {
    lang: "fa",
    facets: null,
    items: [],
    total: 0,
    shown: PAGE,
    timeline: null,
    sort: "-date",
    selected: null,
    incident: null,
    articles: new Map(),   // "id@version" -> Promise of the article
    extract: null,         // {text, result}
    extractEvent: 0,
    seq: 0,
    incidentSeq: 0,
    markers: new Map(),
  };

  // ---------------------------------------------------------------- small helpers

  const $ = (selector) => document.querySelector(selector);

  function t(key) {
    const table = window.I18N[state.lang] || window.I18N.fa;
    return key in table ? table[key] : window.I18N.fa[key];
  }

  function label(group, value) {
    if (value === null || value === undefined || value === "") return t("unknown");
    const table = t(group) || {};
    return table[value] || window.I18N.en[group]?.[value] || String(value);
  }

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key === "data") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    for (const child of children.flat()) if (child) node.append(child instanceof Node ? child : String(child));
    return node;
  }

  function num(n) {
    if (n === null || n === undefined) return t("unknown");
    return new Intl.NumberFormat(state.lang === "fa" ? "fa-IR" : "en-US", { useGrouping: false }).format(n);
  }

  function utc(iso) { return new Date(iso + "T00:00:00Z"); }

  function formatDate(iso, long = true) {
    if (!iso) return t("unknown");
    const fa = state.lang === "fa";
    if (iso.length === 10) {
      const day = utc(iso);
      if (fa) {
        const jalali = new Intl.DateTimeFormat("fa-IR-u-ca-persian", long
          ? { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }
          : { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "UTC" }).format(day);
        if (!long) return jalali;
        const gregorian = new Intl.DateTimeFormat("fa-IR-u-ca-gregory",
          { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" }).format(day);
        return `${jalali} (${gregorian})`;
      }
      return long ? new Intl.DateTimeFormat("en-GB", { year: "numeric", month: "long", day: "numeric",
                                                         timeZone: "UTC" }).format(day) : iso;
    }
    if (iso.length === 7) {
      return new Intl.DateTimeFormat(fa ? "fa-IR-u-ca-gregory" : "en-GB",
        { year: "numeric", month: "long", timeZone: "UTC" }).format(utc(iso + "-01"));
    }
    return num(Number(iso));
  }

  function actorName(actor) {
    return state.lang === "en" ? (actor.name_en || actor.name) : (actor.name || actor.name_en);
  }

  function placeName(item) {
    if (!item.place_name && !item.place_name_en) return t("unknown");
    return state.lang === "en" ? (item.place_name_en || item.place_name) : (item.place_name || item.place_name_en);
  }

  function countryName(code, fallback) {
    if (!code) return null;
    return label("countries", code) === code ? (fallback || code) : label("countries", code);
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function showStatus(message, kind = "error") {
    const box = $("#status");
    box.className = "status" + (kind === "info" ? " info" : "");
    box.textContent = message ? (kind === "error" ? t("errorPrefix") + message : message) : "";
    if (message && kind !== "error") setTimeout(() => { if (box.textContent === message) box.textContent = ""; }, 4000);
  }

  async function api(path, options) {
    let response;
    try {
      response = await fetch(path, options);
    } catch (error) {
      throw new Error(`${path}: ${error.message}`);
    }
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      if (response.ok) throw new Error(`${path}: the server sent no JSON`);
    }
    if (!response.ok) {
      const message = body && body.message ? body.message : `HTTP ${response.status}`;
      const error = new Error(message);
      error.status = response.status;
      error.kind = body && body.error;
      throw error;
    }
    return body;
  }

  // ---------------------------------------------------------------- evidence highlighting

  // The API counts offsets in Unicode code points (Python str indices); JavaScript strings
  // index UTF-16 code units. Map one to the other when the text holds astral characters.
  function codeUnitOffsets(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return { length: text.length, at: (i) => i };
    const units = [];
    let unit = 0;
    for (const ch of text) { units.push(unit); unit += ch.length; }
    units.push(unit);
    return { length: units.length - 1, at: (i) => units[i] };
  }

  function fieldClass(field) {
    return FIELD_CLASS[field] || (String(field).endsWith(".by") ? "source" : "type");
  }

  function fieldLabel(field) {
    return t("fields")[field] || window.I18N.en.fields[field] || field;
  }

  // The article text as text nodes, with each run covered by spans wrapped in one <mark>
  // whose data-spans lists the indices (into ``spans``) of every span covering it.
  function highlighted(text, spans, extraClass) {
    const offsets = codeUnitOffsets(text);
    const ranges = [];
    spans.forEach((span, index) => {
      const start = Number(span.start), end = Number(span.end);
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > offsets.length || start >= end) {
        return;  // a span outside the text is a server bug; show the text, skip the span
      }
      ranges.push({ index, start: offsets.at(start), end: offsets.at(end), field: span.field });
    });
    const cuts = new Set([0, text.length]);
    for (const range of ranges) { cuts.add(range.start); cuts.add(range.end); }
    const points = [...cuts].sort((a, b) => a - b);
    const box = el("div", { class: "article-text " + (extraClass || ""), dir: "rtl", lang: "fa" });
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      const piece = text.slice(a, b);
      const covering = ranges.filter((r) => r.start <= a && r.end >= b);
      if (!covering.length) { box.append(document.createTextNode(piece)); continue; }
      const classes = [...new Set(covering.map((r) => "hl-" + fieldClass(r.field)))];
      const fields = [...new Set(covering.map((r) => fieldLabel(r.field)))];
      box.append(el("mark", { class: classes.join(" "), title: fields.join(" · "),
                              data: { spans: covering.map((r) => r.index).join(" "),
                                      fields: [...new Set(covering.map((r) => r.field))].join(" ") } }, piece));
    }
    return box;
  }

  function highlightLegend() {
    return el("div", { class: "hl-legend" }, t("highlightLegend"),
      LEGEND_FIELDS.map((field) => el("mark", { class: "hl-" + fieldClass(field) }, fieldLabel(field))));
  }

  // ---------------------------------------------------------------- map

  const map = L.map("map", { zoomControl: false, minZoom: 2, maxZoom: 13, worldCopyJump: true });
  L.control.zoom({ position: "topright" }).addTo(map);
  map.attributionControl.setPrefix("Leaflet");
  map.fitBounds(REGION);
  map.createPane("basemap").style.zIndex = 250;
  const basemapRenderer = L.canvas({ pane: "basemap", padding: 0.5 });
  const markerRenderer = L.svg({ padding: 0.3 });
  const markerLayer = L.layerGroup().addTo(map);
  const basemap = { land: null, tiles: null };

  async function loadBasemap() {
    let topology;
    try {
      topology = await api("static/basemap/basemap.topo.json");
    } catch (error) {
      showStatus(error.message);
      return;
    }
    const countries = topology.objects.countries;
    const admin1 = topology.objects.admin1;
    const line = (style) => ({ renderer: basemapRenderer, interactive: false, pane: "basemap", style });
    basemap.land = L.geoJSON(topojson.feature(topology, countries),
      line({ stroke: false, fillColor: "#f7f4ec", fillOpacity: 1 })).addTo(map);
    L.geoJSON(topojson.mesh(topology, admin1, (a, b) => a !== b && a.properties.country === b.properties.country),
      line({ color: "#b9ae9c", weight: 0.7, dashArray: "3 3", fill: false })).addTo(map);
    L.geoJSON(topojson.mesh(topology, countries, (a, b) => a === b),
      line({ color: "#8fb3c9", weight: 0.8, fill: false })).addTo(map);
    L.geoJSON(topojson.mesh(topology, countries, (a, b) => a !== b),
      line({ color: "#7d705c", weight: 1.1, fill: false })).addTo(map);
    map.attributionControl.addAttribution("Natural Earth");
    document.body.dataset.basemap = "ready";
  }

  function toggleTiles(on) {
    if (on && !basemap.tiles) {
      basemap.tiles = L.tileLayer(TILE_URL, { maxZoom: 19, attribution: "© OpenStreetMap contributors" }).addTo(map);
      if (basemap.land) basemap.land.remove();
    } else if (!on && basemap.tiles) {
      basemap.tiles.remove();
      basemap.tiles = null;
      if (basemap.land) basemap.land.addTo(map);
    }
  }

  function radius(fatalities) {
    return fatalities === null || fatalities === undefined ? 6 : Math.min(28, 6 + 3.2 * Math.sqrt(fatalities));
  }

  function markerLabel(item) {
    return [label("types", item.type), placeName(item), formatDate(item.date, false),
            item.fatalities ? t("killed")(num(item.fatalities)) : null].filter(Boolean).join(" · ");
  }

  function renderMarkers() {
    markerLayer.clearLayers();
    state.markers.clear();
    const located = state.items.filter((item) => Number.isFinite(item.lat) && Number.isFinite(item.lon));
    located.sort((a, b) => radius(b.fatalities) - radius(a.fatalities));  // small ones drawn on top
    for (const item of located) {
      const marker = L.circleMarker([item.lat, item.lon], {
        renderer: markerRenderer, radius: radius(item.fatalities), color: "#1f2328", weight: 1,
        fillColor: TYPE_COLORS[item.type] || OTHER_COLOR, fillOpacity: 0.78,
        dashArray: item.fatalities === null || item.fatalities === undefined ? "3 2" : null,
        className: `incident-marker type-${item.type}`,
      });
      marker.bindTooltip(() => el("span", { dir: "auto" }, markerLabel(item)), { direction: "top" });
      marker.on("click", () => openIncident(item.id));
      marker.addTo(markerLayer);
      const path = marker.getElement();
      path.setAttribute("data-id", item.id);
      path.setAttribute("role", "button");
      path.setAttribute("tabindex", "0");
      path.setAttribute("aria-label", markerLabel(item));
      path.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); openIncident(item.id); }
      });
      state.markers.set(item.id, marker);
    }
    markSelected();
  }

  function markSelected() {
    for (const [id, marker] of state.markers) {
      const on = id === state.selected;
      marker.setStyle({ weight: on ? 3.5 : 1, color: on ? "#000" : "#1f2328" });
      if (on) marker.bringToFront();
    }
    for (const row of document.querySelectorAll(".incident-row")) {
      row.setAttribute("aria-current", row.dataset.id === state.selected ? "true" : "false");
    }
  }

  const Legend = L.Control.extend({
    options: { position: "bottomleft" },
    onAdd() { this.box = el("div", { class: "legend" }); L.DomEvent.disableClickPropagation(this.box); return this.box; },
    render() {
      const sizes = [1, 10, 25].map((n) => {
        const r = radius(n);
        return el("div", { class: "row" },
          svg("svg", { width: 2 * r + 2, height: 2 * r + 2, "aria-hidden": "true" },
              svg("circle", { cx: r + 1, cy: r + 1, r, fill: "#9e9e9e", stroke: "#1f2328", "stroke-width": 1 })),
          num(n));
      });
      const unknown = el("div", { class: "row" },
        svg("svg", { width: 14, height: 14, "aria-hidden": "true" },
            svg("circle", { cx: 7, cy: 7, r: 6, fill: "#9e9e9e", stroke: "#1f2328", "stroke-dasharray": "3 2" })),
        t("legendUnknown"));
      this.box.dir = t("dir");
      this.box.replaceChildren(
        el("h4", {}, t("legend")),
        el("div", { class: "rows" },
           TYPES.map((type) => el("div", { class: "row" }, el("span", { class: "swatch " + type }), label("types", type)))),
        el("h4", {}, t("legendSize")),
        el("div", { class: "rows" }, sizes, unknown));
    },
  });
  const legend = new Legend().addTo(map);

  // ---------------------------------------------------------------- filters, list, timeline

  function filterParams() {
    const params = new URLSearchParams();
    for (const name of FILTERS) {
      const value = $(`#f-${name}`).value.trim();
      if (value) params.set(name, value);
    }
    return params;
  }

  function syncUrl() {
    const params = filterParams();
    if (state.lang !== "fa") params.set("lang", state.lang);
    const hash = state.selected ? `#incident=${encodeURIComponent(state.selected)}` : "";
    const query = params.toString();
    history.replaceState(null, "", (query ? `?${query}` : location.pathname) + hash);
  }

  function fillSelect(select, options, keep) {
    const value = keep ?? select.value;
    select.replaceChildren(el("option", { value: "" }, t("all")),
      ...options.map((o) => el("option", { value: o.value }, o.count === undefined ? o.text : `${o.text} (${num(o.count)})`)));
    if ([...select.options].some((o) => o.value === value)) select.value = value;
    else if (value) select.append(el("option", { value, selected: true }, value));  // from a shared link
  }

  function renderFacets(keep = {}) {
    const facets = state.facets;
    if (!facets) return;
    fillSelect($("#f-type"), facets.types.map((f) => ({ value: f.value, text: label("types", f.value), count: f.count })),
               keep.type);
    fillSelect($("#f-country"), facets.countries.map((f) => ({ value: f.value, text: countryName(f.value, f.label),
                                                               count: f.count })), keep.country);
    fillSelect($("#f-actor"), facets.actors.map((f) => ({ value: f.key, text: actorName(f), count: f.count })),
               keep.actor);
    const sort = $("#sort");
    sort.replaceChildren(...(facets.sorts || ["-date", "date"]).map((s) => el("option", { value: s }, t("sorts")[s] || s)));
    sort.value = state.sort;
  }

  async function refresh() {
    const seq = ++state.seq;
    syncUrl();
    const params = filterParams();
    const listParams = new URLSearchParams(params);
    listParams.set("limit", MAP_LIMIT);
    listParams.set("sort", state.sort);
    $("#incident-list").setAttribute("aria-busy", "true");
    try {
      const [list, timeline] = await Promise.all([api(`incidents?${listParams}`), api(`timeline?${params}`)]);
      if (seq !== state.seq) return;
      state.items = list.items;
      state.total = list.total;
      state.timeline = timeline;
      state.shown = PAGE;
      showStatus("");
      renderAll();
    } catch (error) {
      if (seq === state.seq) showStatus(error.message);
    } finally {
      if (seq === state.seq) {
        $("#incident-list").setAttribute("aria-busy", "false");
        document.body.dataset.loads = String(Number(document.body.dataset.loads || 0) + 1);
      }
    }
  }

  function renderAll() {
    renderMarkers();
    renderList();
    renderTimeline();
    renderCount();
  }

  function renderCount() {
    $("#count").textContent = t("count")(num(state.items.length), num(state.total));
    const unlocated = state.items.filter((i) => !Number.isFinite(i.lat) || !Number.isFinite(i.lon)).length;
    $("#no-location").textContent = unlocated ? t("noLocation")(num(unlocated)) : "";
  }

  function renderList() {
    const list = $("#incident-list");
    list.replaceChildren();
    if (!state.items.length) list.append(el("li", { class: "hint" }, t("empty")));
    for (const item of state.items.slice(0, state.shown)) {
      const country = countryName(item.country, item.country);
      list.append(el("li", {},
        el("button", { type: "button", class: "incident-row", data: { id: item.id },
                       "aria-current": item.id === state.selected ? "true" : "false",
                       onclick: () => openIncident(item.id) },
          el("span", { class: `dot ${item.type}`, "aria-hidden": "true" }),
          el("span", { class: "what" }, label("types", item.type),
             item.mode && item.mode !== "other" ? ` · ${label("modes", item.mode)}` : ""),
          el("span", { class: "when" }, formatDate(item.date, false)),
          el("span", { class: "where" }, [placeName(item), item.place_name && country ? country : null]
            .filter(Boolean).join("، "), " ",
            item.fatalities ? el("span", { class: "badge killed" }, t("killed")(num(item.fatalities))) : null, " ",
            el("span", { class: "badge" }, t("articlesN")(num(item.num_articles)))))));
    }
    $("#more").hidden = state.shown >= state.items.length;
  }

  function renderTimeline() {
    const box = $("#timeline");
    box.replaceChildren();
    const data = state.timeline;
    if (!data) return;
    const undated = data.undated ? data.undated.total : 0;
    $("#timeline-undated").textContent = undated ? t("timelineUndated")(num(undated)) : "";
    const days = data.days.filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d.date));
    if (!days.length) { box.append(el("p", { class: "hint" }, t("timelineEmpty"))); return; }
    const width = box.clientWidth || 600, height = box.clientHeight || 118;
    const m = { left: 30, right: 10, top: 6, bottom: 18 };
    let t0 = utc(days[0].date).getTime(), t1 = utc(days[days.length - 1].date).getTime() + DAY;
    if (t1 - t0 < 30 * DAY) { const pad = (30 * DAY - (t1 - t0)) / 2; t0 -= pad; t1 += pad; }
    const plot = width - m.left - m.right;
    const x = (ms) => m.left + (ms - t0) / (t1 - t0) * plot;
    const barWidth = Math.max(2, plot * DAY / (t1 - t0) - 1);
    const top = Math.max(...days.map((d) => d.total));
    const y = (n) => height - m.bottom - n / top * (height - m.top - m.bottom);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": "timeline-title" });
    const axis = svg("g", { class: "axis" },
      svg("line", { x1: m.left, x2: width - m.right, y1: y(0), y2: y(0) }),
      svg("text", { x: m.left - 4, y: y(top) + 8, "text-anchor": "end" }, num(top)),
      svg("text", { x: m.left - 4, y: y(0), "text-anchor": "end" }, num(0)));
    for (const tick of timeTicks(t0, t1)) {
      axis.append(svg("line", { x1: x(tick.ms), x2: x(tick.ms), y1: y(0), y2: y(0) + 4 }),
                  svg("text", { x: x(tick.ms) + 2, y: height - 4 }, tick.text));
    }
    chart.append(axis);
    for (const day of days) {
      const ms = utc(day.date).getTime();
      const words = `${formatDate(day.date)}: ${TYPES.filter((k) => day.counts[k])
        .map((k) => `${label("types", k)} ${num(day.counts[k])}`).join("، ")}`;
      const group = svg("g", { class: "day", tabindex: 0, role: "button", "data-date": day.date, "aria-label": words },
                        svg("title", {}, words));
      let base = 0;
      for (const type of [...TYPES, ...Object.keys(day.counts).filter((k) => !TYPES.includes(k))]) {
        const n = day.counts[type] || 0;
        if (!n) continue;
        group.append(svg("rect", { class: "bar", x: x(ms), y: y(base + n), width: barWidth, height: y(base) - y(base + n),
                                   fill: TYPE_COLORS[type] || OTHER_COLOR }));
        base += n;
      }
      const pick = () => { $("#f-since").value = day.date; $("#f-until").value = day.date; refresh(); };
      group.addEventListener("click", pick);
      group.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(); } });
      chart.append(group);
    }
    box.append(chart);
  }

  function timeTicks(t0, t1) {
    const ticks = [];
    const span = (t1 - t0) / DAY;
    const start = new Date(t0);
    const fmt = (options) => new Intl.DateTimeFormat(state.lang === "fa" ? "fa-IR-u-ca-gregory" : "en-GB",
                                                       { ...options, timeZone: "UTC" });
    if (span > 3 * 365) {
      const step = Math.ceil(span / 365 / 8);
      for (let year = start.getUTCFullYear() + 1; Date.UTC(year, 0, 1) < t1; year += step) {
        ticks.push({ ms: Date.UTC(year, 0, 1), text: num(year) });
      }
    } else if (span > 60) {
      const step = Math.max(1, Math.ceil(span / 30 / 7));
      const format = fmt({ year: "2-digit", month: "short" });
      for (let d = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1); d < t1;) {
        ticks.push({ ms: d, text: format.format(new Date(d)) });
        const next = new Date(d);
        d = Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + step, 1);
      }
    } else {
      const step = Math.max(1, Math.ceil(span / 7));
      const format = fmt({ month: "short", day: "numeric" });
      for (let d = Math.ceil(t0 / DAY) * DAY; d < t1; d += step * DAY) ticks.push({ ms: d, text: format.format(new Date(d)) });
    }
    return ticks;
  }

  // ---------------------------------------------------------------- tabs

  const TABS = ["list", "incident", "extract"];

  function selectTab(name, focus = false) {
    for (const tab of TABS) {
      const on = tab === name;
      const button = $(`#tab-${tab}`);
      button.setAttribute("aria-selected", on ? "true" : "false");
      button.tabIndex = on ? 0 : -1;
      $(`#${tab}-panel`).hidden = !on;
      if (on && focus) button.focus();
    }
  }

  function onTabKey(event) {
    const index = TABS.indexOf(event.currentTarget.id.slice(4));
    const step = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: TABS.length - 1 - index }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const forward = document.documentElement.dir === "rtl" && event.key.startsWith("Arrow") ? -step : step;
    selectTab(TABS[(index + forward + TABS.length) % TABS.length], true);
  }

  // ---------------------------------------------------------------- incident panel

  async function openIncident(id) {
    state.selected = id;
    markSelected();
    selectTab("incident");
    syncUrl();
    const panel = $("#incident-panel");
    panel.replaceChildren(el("p", { class: "hint" }, t("loading")));
    const seq = ++state.incidentSeq;
    try {
      const incident = await api(`incidents/${encodeURIComponent(id)}`);
      if (seq !== state.incidentSeq) return;
      state.incident = incident;
      renderIncident();
      panel.scrollTop = 0;
    } catch (error) {
      if (seq !== state.incidentSeq) return;
      panel.replaceChildren(el("p", { class: "error" }, t("errorPrefix") + error.message));
    }
  }

  function loadArticle(id, version) {
    const key = `${id}@${version ?? ""}`;
    if (!state.articles.has(key)) {
      const query = version ? `?version=${encodeURIComponent(version)}` : "";
      const promise = api(`articles/${encodeURIComponent(id)}${query}`);
      promise.catch(() => state.articles.delete(key));  // let a later click try again
      state.articles.set(key, promise);
    }
    return state.articles.get(key);
  }

  function names(actors) { return actors.map(actorName); }

  function attributionLines(incident) {
    const lines = [];
    if (incident.sources && incident.sources.length) lines.push(t("according")(incident.sources));
    for (const a of incident.claimed_by || []) lines.push(t("claimed")([actorName(a)], a.by || []));
    for (const a of incident.attributed_to || []) lines.push(t("blamed")([actorName(a)], a.by || []));
    for (const a of incident.denied_by || []) lines.push(t("denied")([actorName(a)], a.by || []));
    return lines;
  }

  function valueText(field, value, incident) {
    if (value === null || value === undefined) return t("unknown");
    if (field === "mode") return label("modes", value);
    if (field === "modality") return label("modality", value);
    if (field === "weapon") return label("weapons", value);
    if (field === "date") return formatDate(String(value));
    if (field === "place") {
      if (value === incident.place_id) return placeName(incident);
      return String(value).replace(/^(text|name):/, "");
    }
    if (typeof value === "number") return num(value);
    return String(value);
  }

  function row(term, ...details) {
    return [el("dt", {}, term), el("dd", {}, ...details)];
  }

  function renderIncident() {
    const incident = state.incident;
    const panel = $("#incident-panel");
    if (!incident) { panel.replaceChildren(el("p", { class: "hint" }, t("noIncident"))); return; }
    const f = t("fields");
    const country = countryName(incident.country, incident.country);
    const dateBits = [formatDate(incident.date), ` (${label("precision", incident.date_precision)})`];
    const range = incident.date_precision !== "day" && incident.date_start && incident.date_end
      ? `${formatDate(incident.date_start, false)} – ${formatDate(incident.date_end, false)}` : null;
    const placeBits = [placeName(incident),
      incident.place_name && incident.place_name_en && state.lang === "fa" ? ` (${incident.place_name_en})` : "",
      [incident.admin1, country].filter(Boolean).length ? `، ${[incident.admin1, country].filter(Boolean).join("، ")}` : ""];
    const weapon = incident.weapon
      ? `${label("weapons", incident.weapon)}${incident.weapon_count ? ` × ${num(incident.weapon_count)}` : ""}` : t("none");
    const people = (list) => list && list.length ? names(list).join("، ") : t("none");
    const disputed = new Set(incident.disputed || []);

    const details = el("dl", {},
      row(f.date, ...dateBits),
      range ? row(f.dateRange, range) : null,
      row(f.place, ...placeBits,
          incident.geo_precision ? el("span", { class: "hint" }, ` · ${label("geoPrecision", incident.geo_precision)}`) : null),
      row(f.actors, people(incident.actors)),
      row(f.targets, people(incident.targets)),
      row(f.weapon, weapon),
      row(f.fatalities, num(incident.fatalities),
          disputed.has("fatalities") ? el("div", { class: "note" }, t("fatalitiesNote")) : null,
          incident.fatalities_note ? el("div", { class: "note", lang: "en", dir: "ltr" }, incident.fatalities_note) : null),
      row(f.injured, num(incident.injured)),
      row(f.modality, label("modality", incident.modality)),
      incident.category ? row(f.category, el("span", { lang: "en", dir: "ltr" },
        [incident.category.event_type, incident.category.sub_event_type].filter(Boolean).join(" / "))) : null);

    const attribution = attributionLines(incident);
    const conflicts = incident.conflicts || [];
    const conflictList = conflicts.length
      ? el("ul", { class: "conflicts" }, conflicts.map((c) => el("li", {}, el("strong", {}, fieldLabel(c.field)),
          el("ul", { class: "conflict-values" }, c.values.map((v) => el("li", {},
            valueText(c.field, v.value, incident), " — ",
            [v.outlet || v.article_id, v.published ? formatDate(v.published, false) : null].filter(Boolean).join("، "),
            v.said_by && v.said_by.length ? ` (${t("saidBy")(v.said_by)})` : ""))))))
      : el("p", { class: "hint" }, t("noConflicts"));

    const articles = el("div", { class: "articles" });
    for (const mention of incident.mentions || []) articles.append(articleBlock(mention));

    panel.replaceChildren(el("div", { class: "incident", data: { id: incident.id } },
      el("button", { type: "button", class: "back", onclick: () => { selectTab("list"); focusRow(incident.id); } },
         t("back")),
      el("h2", {}, el("span", { class: `dot ${incident.type}`, "aria-hidden": "true" }), label("types", incident.type),
         incident.mode ? ` · ${label("modes", incident.mode)}` : ""),
      details,
      el("h3", {}, f.attribution),
      attribution.length ? el("ul", { class: "attribution" }, attribution.map((line) => el("li", {}, line)))
                         : el("p", { class: "hint" }, t("noAttribution")),
      el("h3", {}, f.conflicts),
      conflictList,
      el("h3", {}, f.coverage),
      el("p", {}, [t("articlesN")(num(incident.num_articles)), t("sourcesN")(num(incident.num_sources)),
                   incident.outlets && incident.outlets.length ? incident.outlets.join("، ") : null,
                   incident.first_seen ? `${formatDate(incident.first_seen, false)} – ${formatDate(incident.last_seen, false)}` : null]
        .filter(Boolean).join(" · ")),
      el("h3", {}, `${f.articles} (${num((incident.mentions || []).length)})`),
      highlightLegend(),
      articles));
  }

  function focusRow(id) {
    const row = document.querySelector(`.incident-row[data-id="${CSS.escape(id)}"]`);
    if (row) { row.scrollIntoView({ block: "nearest" }); row.focus(); }
  }

  function articleBlock(mention) {
    const url = safeUrl(mention.url);
    const block = el("article", { class: "article", data: { articleId: mention.article_id, mentionId: mention.mention_id } },
      el("header", {},
        el("strong", { dir: "auto" }, mention.title || mention.article_id),
        mention.source ? el("span", {}, `${t("outlet")}: ${mention.source}`) : null,
        mention.published ? el("span", {}, `${t("published")}: ${formatDate(mention.published, false)}`) : null,
        url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, t("openOriginal")) : null),
      el("p", { class: "hint" }, t("articleLoading")));
    loadArticle(mention.article_id, mention.article_version).then((article) => {
      const text = highlighted(article.text, mention.spans || []);
      block.replaceChild(text, block.lastChild);
      const first = text.querySelector("mark.hl-evidence") || text.querySelector("mark");
      if (first) text.scrollTop = Math.max(0, first.offsetTop - text.offsetTop - 40);
    }, (error) => {
      block.replaceChild(el("p", { class: "error" }, t("errorPrefix") + error.message), block.lastChild);
    });
    return block;
  }

  // ---------------------------------------------------------------- paste box (POST /extract)

  async function submitExtract(event) {
    event.preventDefault();
    const text = $("#x-text").value;
    const published = $("#x-published").value;
    const result = $("#extract-result");
    if (!text.trim()) {
      result.replaceChildren(el("p", { class: "error" }, t("errorPrefix") + t("extractText")));
      return;
    }
    const button = $("#x-submit");
    button.disabled = true;
    result.replaceChildren(el("p", { class: "hint" }, t("loading")));
    try {
      const body = { text };
      if (published) body.published = published;
      const answer = await api("extract", { method: "POST", headers: { "Content-Type": "application/json" },
                                            body: JSON.stringify(body) });
      state.extract = { text, result: answer };
      state.extractEvent = 0;
      renderExtract();
    } catch (error) {
      state.extract = null;
      result.replaceChildren(el("p", { class: "error" }, t("errorPrefix") + error.message));
    } finally {
      button.disabled = false;
    }
  }

  function participantNames(list) {
    return (list || []).map((p) => (state.lang === "en" ? p.name_en || p.text : p.text || p.name_en));
  }

  function eventSentences(ev) {
    const lines = [];
    const sources = participantNames(ev.sources);
    if (sources.length) lines.push(t("according")(sources));
    for (const a of ev.claimed_by || []) lines.push(t("claimed")(participantNames(a.who), participantNames(a.by)));
    for (const a of ev.attributed_to || []) lines.push(t("blamed")(participantNames(a.who), participantNames(a.by)));
    for (const a of ev.denied_by || []) lines.push(t("denied")(participantNames(a.who), participantNames(a.by)));
    return lines;
  }

  function renderExtract() {
    const result = $("#extract-result");
    if (!state.extract) return;
    const { text, result: answer } = state.extract;
    const events = answer.events || [];
    if (!events.length) { result.replaceChildren(el("p", {}, t("extractNone"))); return; }
    const chosen = events[Math.min(state.extractEvent, events.length - 1)];
    const list = el("ul", { class: "extract-events" }, events.map((ev, index) => {
      const place = ev.place ? (state.lang === "en" && ev.place.place && ev.place.place.name_en) || ev.place.text : null;
      const facts = [label("types", ev.type) + (ev.mode && ev.mode !== "other" ? ` · ${label("modes", ev.mode)}` : ""),
                     ev.date ? formatDate(ev.date, false) : null, place,
                     ev.fatalities ? t("killed")(num(ev.fatalities)) : null,
                     ev.injured ? t("injuredN")(num(ev.injured)) : null,
                     ev.weapon ? label("weapons", ev.weapon) : null].filter(Boolean).join(" · ");
      const sentences = eventSentences(ev);
      return el("li", {}, el("button", {
        type: "button", class: "extract-event", "aria-pressed": index === state.extractEvent ? "true" : "false",
        data: { eventId: ev.id },
        onclick: () => { state.extractEvent = index; renderExtract(); },
      }, el("span", { class: `dot ${ev.type}`, "aria-hidden": "true" }), " ", facts,
         sentences.length ? el("span", { class: "sentences" }, sentences.join("؛ ")) : null));
    }));
    const spans = (answer.spans || []).filter((s) => s.event_id === chosen.id);
    result.replaceChildren(el("p", {}, t("extractFound")(num(events.length))), list, highlightLegend(),
      el("div", { class: "article extract-article", data: { eventId: chosen.id } }, highlighted(text, spans)));
  }

  // ---------------------------------------------------------------- language

  function applyLanguage(lang, rerender = true) {
    state.lang = window.I18N[lang] ? lang : "fa";
    const root = document.documentElement;
    root.lang = state.lang;
    root.dir = t("dir");
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-i18n]")) {
      const value = t(node.dataset.i18n);
      if (typeof value === "string") node.textContent = value;
    }
    for (const node of document.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = t(node.dataset.i18nPlaceholder);
    for (const node of document.querySelectorAll("[data-i18n-aria]")) node.setAttribute("aria-label", t(node.dataset.i18nAria));
    const button = $("#lang-switch");
    button.textContent = t("switchTo");
    button.lang = t("switchToLang");
    try { localStorage.setItem("rokhdad.lang", state.lang); } catch (error) { /* private mode: not remembered */ }
    legend.render();
    if (!rerender) return;
    renderFacets();
    renderAll();
    if (state.incident && !$("#incident-panel").hidden) renderIncident();
    else if (state.incident) renderIncident();
    renderExtract();
    syncUrl();
  }

  // ---------------------------------------------------------------- start

  function wire() {
    const form = $("#filters");
    form.addEventListener("submit", (event) => { event.preventDefault(); refresh(); });
    for (const name of ["since", "until", "type", "country", "actor"]) $(`#f-${name}`).addEventListener("change", refresh);
    let typing = null;
    $("#f-place").addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(refresh, 350); });
    form.addEventListener("reset", () => setTimeout(refresh, 0));
    $("#sort").addEventListener("change", (event) => { state.sort = event.target.value; refresh(); });
    $("#more").addEventListener("click", () => { state.shown += PAGE; renderList(); });
    for (const tab of TABS) {
      $(`#tab-${tab}`).addEventListener("click", () => selectTab(tab));
      $(`#tab-${tab}`).addEventListener("keydown", onTabKey);
    }
    $("#lang-switch").addEventListener("click", () => applyLanguage(state.lang === "fa" ? "en" : "fa"));
    $("#tiles").addEventListener("change", (event) => toggleTiles(event.target.checked));
    $("#extract-form").addEventListener("submit", submitExtract);
    let resizing = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => { map.invalidateSize(); renderTimeline(); }, 150);
    });
  }

  async function start() {
    const query = new URLSearchParams(location.search);
    const wanted = /^#incident=(.+)$/.exec(location.hash);  // read before syncUrl rewrites the address
    let lang = query.get("lang");
    if (!lang) { try { lang = localStorage.getItem("rokhdad.lang"); } catch (error) { lang = null; } }
    applyLanguage(lang || "fa", false);
    wire();
    for (const name of FILTERS) if (query.get(name)) $(`#f-${name}`).value = query.get(name);
    const keep = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) || ""]));
    loadBasemap();
    try {
      state.facets = await api("facets");
    } catch (error) {
      showStatus(error.message);
    }
    renderFacets(keep);
    if (wanted) state.selected = decodeURIComponent(wanted[1]);
    await refresh();
    if (wanted) openIncident(decodeURIComponent(wanted[1]));
    document.body.dataset.ready = "true";
  }

  start();
})();

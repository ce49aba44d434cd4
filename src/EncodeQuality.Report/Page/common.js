// EncodeQuality pages: what every page's script shares. Reads the JSON in #eq-data, draws with
// uPlot, runs offline and fetches nothing. Every chart drawn is listed in window.eqCharts (id,
// series, points per series) for checks.
const eqPage = (function () {
  'use strict';
  const data = JSON.parse(document.getElementById('eq-data').textContent);
  const root = document.getElementById('report');
  const palette = ['#1d4ed8', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#be185d', '#4d7c0f', '#9a3412', '#334155'];
  const chartWidth = () => Math.max(520, Math.min(1120, root.clientWidth - 8));
  window.eqCharts = [];

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c != null) e.append(c instanceof Node ? c : String(c));
    return e;
  }
  const fmt = (v, d) => (v == null || Number.isNaN(v)) ? '–' : Number(v).toFixed(d);
  const signed = (v, d) => v == null ? '–' : (v >= 0 ? '+' : '') + Number(v).toFixed(d);
  const badge = (text, kind) => el('span', { class: 'badge ' + kind }, text);
  const resultBadge = r => badge(r, r === 'passed' ? 'pass' : r === 'failed' ? 'fail' : 'skip');

  function table(headers, rows, textColumns) {
    const text = new Set(textColumns || [0]);
    // Wide tables scroll inside their box rather than past the page.
    return el('div', { class: 'scroll' }, el('table', { class: 'data' },
      el('thead', {}, el('tr', {}, headers.map((h, i) => el('th', { class: text.has(i) ? 'text' : '' }, h)))),
      el('tbody', {}, rows.map(r => el('tr', {}, r.map((c, i) => el('td', { class: text.has(i) ? 'text' : '' }, c)))))));
  }

  // Draws a uPlot chart and records it; replaces an earlier chart with the same id.
  function chart(container, id, opts, columns) {
    const old = window.eqCharts.findIndex(c => c.id === id);
    if (old >= 0) { window.eqCharts[old].plot.destroy(); window.eqCharts.splice(old, 1); }
    container.replaceChildren();
    const plot = new uPlot(Object.assign({ width: chartWidth(), height: 300, legend: { live: true } }, opts), columns, container);
    const points = columns.slice(1).map(s => s.filter(v => v != null).length);
    window.eqCharts.push({ id, series: columns.length - 1, points, plot });
    container.dataset.series = String(columns.length - 1);
    return plot;
  }

  // kbit/s on a log axis, ticked at 1-2-5 steps (uPlot's own log ticks are powers of ten only).
  const rateScale = { time: false, distr: 3, range: (u, min, max) => [min / 1.3, max * 1.3] };
  const rateAxis = {
    label: 'kbit/s (log)',
    splits: (u, i, min, max) => {
      const ticks = [];
      for (let d = Math.floor(Math.log10(min)); d <= Math.ceil(Math.log10(max)); d++)
        for (const m of [1, 2, 5]) { const v = m * Math.pow(10, d); if (v >= min && v <= max) ticks.push(v); }
      return ticks;
    },
    // Keep every tick (uPlot thins log ticks to powers of ten by default).
    filter: (u, ticks) => ticks,
    values: (u, ticks) => ticks.map(v => v == null ? '' : v >= 1000 ? (v / 1000) + 'M' : String(v)),
  };

  const line = (label, i, extra) => Object.assign({ label, stroke: palette[i % palette.length], width: 1.5, spanGaps: true }, extra || {});

  // The upper convex hull of (log rate, quality): the best quality reachable at each rate.
  function upperHull(points) {
    const p = points.filter(q => q.y != null).map(q => ({ x: Math.log(q.x), y: q.y, kbps: q.x })).sort((a, b) => a.x - b.x);
    const hull = [];
    for (const q of p) {
      while (hull.length >= 2) {
        const a = hull[hull.length - 2], b = hull[hull.length - 1];
        if ((b.x - a.x) * (q.y - a.y) - (b.y - a.y) * (q.x - a.x) >= 0) hull.pop(); else break;
      }
      hull.push(q);
    }
    return new Set(hull.map(q => q.kbps));
  }

  return { data, root, palette, el, fmt, signed, badge, resultBadge, table, chart, rateScale, rateAxis, line, upperHull };
})();

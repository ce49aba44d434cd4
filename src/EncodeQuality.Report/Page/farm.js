// EncodeQuality farm page: every run of a store in a window, drawn from the JSON in #eq-data with
// the helpers of common.js. One section per figure; each says so when the window has nothing for it.
(function () {
  'use strict';
  const { data, root, palette, el, fmt, table, chart, rateScale, rateAxis, line } = eqPage;
  const day = 86400;
  const when = t => new Date(t * 1000).toISOString().replace('T', ' ').slice(0, 16);
  const modeTitle = m => m === 'source' ? 'score-at source (upscaled to the source)' : 'score-at encode (at the rung\'s size)';
  const colour = name => palette[data.renditions.indexOf(name) % palette.length];
  const note = text => el('p', { class: 'note' }, text);
  const dot = (label, stroke, size) => ({ label, stroke, width: 0, paths: () => null, points: { show: true, size: size || 8, stroke, fill: stroke } });
  // A time axis with a margin, and width even when every point falls in one moment.
  const timeScale = least => ({ time: true, range: (u, min, max) => { const pad = Math.max((max - min) * 0.05, least); return [min - pad, max + pad]; } });

  function header() {
    root.append(el('h1', {}, 'EncodeQuality farm'),
      el('p', { class: 'sub' }, `${data.store}: ${data.runs} run${data.runs === 1 ? '' : 's'} from ${data.since.replace('T', ' ')} to ${data.until.replace('T', ' ')}`),
      el('div', { class: 'facts' }, ['Renditions', data.renditions.join(', ') || 'none',
        'Jobs', String(data.days.reduce((n, d) => n + d.jobs, 0)), 'Frames encoded', String(data.days.reduce((n, d) => n + d.frames, 0))].map(t => el('div', {}, t))));
  }

  // Figure 1: each rendition's mean (solid) and p5 (dashed) run by run.
  function historySection() {
    root.append(el('h2', {}, 'VMAF mean and p5 by rendition over time'));
    const modes = Object.keys(data.history);
    if (!modes.length) { root.append(note('No VMAF scores in the window.')); return; }
    for (const mode of modes) {
      const rungs = data.history[mode];
      const xs = [...new Set(rungs.flatMap(r => r.points.map(p => p.t)))].sort((a, b) => a - b);
      const columns = [xs], series = [{ label: 'run started', value: (u, v) => v == null ? '' : when(v) }];
      for (const r of rungs) {
        const at = new Map(r.points.map(p => [p.t, p]));
        for (const stat of ['mean', 'p5']) {
          columns.push(xs.map(x => at.has(x) ? at.get(x)[stat] : null));
          series.push(line(`${r.rendition} ${stat}`, data.renditions.indexOf(r.rendition), { points: { show: true, size: 6 }, dash: stat === 'p5' ? [6, 4] : undefined }));
        }
      }
      const box = el('div', { class: 'chart' });
      root.append(note(modeTitle(mode)), box);
      chart(box, 'history-' + mode, { title: `VMAF mean (solid) and p5 (dashed) per run, ${mode}`, scales: { x: timeScale(30) },
        axes: [{ label: 'run started (UTC)' }, { label: 'VMAF' }], series }, columns);
    }
  }

  // Figure 2: percentiles per rendition over the window (averages of the runs' values).
  const stats = ['p1', 'p5', 'p50', 'mean'];
  function percentileSection() {
    root.append(el('h2', {}, 'VMAF percentiles per rendition'));
    const modes = Object.keys(data.percentiles);
    if (!modes.length) { root.append(note('No VMAF scores in the window.')); return; }
    for (const mode of modes) {
      const rows = data.percentiles[mode];
      const names = rows.map(r => r.rendition);
      const box = el('div', { class: 'chart' });
      root.append(note(`${modeTitle(mode)}: each value is the average over the rendition's runs; worst p1 is its lowest run's`), box,
        table(['rendition', 'runs', ...stats.map(s => 'avg ' + s), 'worst p1', 'lowest mean', 'highest mean'],
          rows.map(r => [r.rendition, String(r.runs), ...stats.map(s => fmt(r[s], 2)), fmt(r.worst_p1, 2), fmt(r.min_mean, 2), fmt(r.max_mean, 2)])));
      chart(box, 'percentiles-' + mode, {
        height: 260, title: `VMAF percentiles per rendition, ${mode}`,
        scales: { x: { time: false, range: [-0.5, names.length - 0.5] } },
        axes: [{ label: 'rendition', splits: () => names.map((_, i) => i), values: (u, splits) => splits.map(i => names[i] ?? '') }, { label: 'VMAF' }],
        series: [{ label: 'rendition', value: (u, i) => names[i] ?? '' },
          ...stats.map((s, k) => line('avg ' + s, k, { points: { show: true, size: 8 }, dash: s === 'mean' ? [6, 4] : undefined })),
          dot('worst p1', '#9a3412', 10)],
      }, [names.map((_, i) => i), ...stats.map(s => rows.map(r => r[s])), rows.map(r => r.worst_p1)]);
    }
  }

  // Figure 3: bitrate against VMAF, one point per run; a rung's maxrate is a vertical line, and
  // runs held at it are ringed: the knee is where they fall below the rest.
  function rateSection() {
    root.append(el('h2', {}, 'Bitrate against VMAF per rendition'));
    if (!data.rates.length) { root.append(note('No VMAF at the rungs\' sizes in the window.')); return; }
    const xs = [...new Set(data.rates.flatMap(r => r.points.map(p => p.kbps)))].sort((a, b) => a - b);
    const columns = [xs], series = [{ label: 'kbit/s' }];
    for (const r of data.rates) {
      const at = new Map(r.points.map(p => [p.kbps, p.vmaf]));
      columns.push(xs.map(x => at.has(x) ? at.get(x) : null));
      series.push(dot(r.rendition, colour(r.rendition)));
    }
    const capped = new Map(data.rates.flatMap(r => r.points.filter(p => p.at_cap).map(p => [p.kbps, p.vmaf])));
    columns.push(xs.map(x => capped.has(x) ? capped.get(x) : null));
    series.push({ label: 'held at its cap', stroke: '#dc2626', width: 0, paths: () => null, points: { show: true, size: 16, stroke: '#dc2626', fill: 'rgba(220,38,38,0.15)' } });
    const caps = data.rates.flatMap(r => r.caps.map(c => ({ kbps: c, stroke: colour(r.rendition) })));
    const drawCaps = u => {
      const ctx = u.ctx;
      ctx.save();
      ctx.setLineDash([5, 4]);
      for (const c of caps) {
        const x = u.valToPos(c.kbps, 'x', true);
        ctx.strokeStyle = c.stroke;
        ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
      }
      ctx.restore();
    };
    const box = el('div', { class: 'chart' });
    root.append(box, note(`kbit/s on a log axis; VMAF at the rung's size; dashed verticals: each rung's maxrate; ringed: runs at ${Math.round(data.cap_bites * 100)} % of their cap or above.`),
      table(['rendition', 'runs', 'maxrate kbit/s', 'runs at the cap', 'VMAF at the cap', 'VMAF below it', 'knee: VMAF lost at the cap'],
        data.rates.map(r => [r.rendition, String(r.points.length), r.caps.length ? r.caps.map(c => fmt(c, 0)).join(', ') : 'none', String(r.at_cap),
          fmt(r.vmaf_at_cap, 2), fmt(r.vmaf_below_cap, 2), r.vmaf_at_cap != null && r.vmaf_below_cap != null ? fmt(r.vmaf_below_cap - r.vmaf_at_cap, 2) : '–'])));
    const lo = Math.min(...xs, ...caps.map(c => c.kbps)), hi = Math.max(...xs, ...caps.map(c => c.kbps));
    chart(box, 'rates', { title: 'VMAF against bitrate, run by run (kbit/s; 1M = 1000 kbit/s)',
      scales: { x: Object.assign({}, rateScale, { range: () => [lo / 1.3, hi * 1.3] }) }, axes: [rateAxis, { label: 'VMAF' }], series, hooks: { draw: [drawCaps] } }, columns);
  }

  // Figure 4: a rendition before and after its settings change, one series per version.
  function versionSection() {
    root.append(el('h2', {}, 'Renditions before and after a ladder change'));
    const changed = data.versions.filter(r => r.versions.length > 1);
    if (changed.length) {
      const series = [{ label: 'run started', value: (u, v) => v == null ? '' : when(v) }], parts = [];
      changed.forEach(r => r.versions.forEach((v, i) => parts.push({ name: `${r.rendition} v${i + 1}`, v, k: parts.length })));
      const xs = [...new Set(parts.flatMap(p => p.v.points.map(q => q.t)))].sort((a, b) => a - b);
      const columns = [xs];
      for (const p of parts) {
        const at = new Map(p.v.points.map(q => [q.t, q.vmaf]));
        columns.push(xs.map(x => at.has(x) ? at.get(x) : null));
        series.push(line(p.name, p.k, { points: { show: true, size: 8 } }));
      }
      const box = el('div', { class: 'chart' });
      root.append(box);
      chart(box, 'versions', { title: 'VMAF at the rung\'s size per run, split where the rendition\'s settings change', scales: { x: timeScale(30) },
        axes: [{ label: 'run started (UTC)' }, { label: 'VMAF' }], series }, columns);
    } else root.append(note('No rendition changed its settings in the window.'));
    const rows = [];
    for (const r of data.versions)
      r.versions.forEach((v, i) => {
        const before = r.versions[i - 1];
        rows.push([r.rendition, 'v' + (i + 1), when(v.from), when(v.to), String(v.runs), fmt(v.kbps, 0), fmt(v.vmaf, 2),
          before && before.vmaf != null && v.vmaf != null ? (v.vmaf - before.vmaf >= 0 ? '+' : '') + fmt(v.vmaf - before.vmaf, 2) : '',
          before ? (before.kbps ? (v.kbps >= before.kbps ? '+' : '') + fmt(100 * (v.kbps / before.kbps - 1), 1) + ' %' : '') : '',
          v.changed == null ? 'first seen: ' + v.setting : v.changed]);
      });
    root.append(table(['rendition', 'version', 'from', 'to', 'runs', 'kbit/s', 'VMAF', 'Δ VMAF', 'Δ kbit/s', 'settings'], rows, [0, 1, 2, 3, 9]));
  }

  // Figure 5: VMAF at source size across the ladder (renditions by picture size).
  function acrossSection() {
    root.append(el('h2', {}, 'VMAF at source size across the ladder'));
    if (!data.across.length) { root.append(note('No run in the window scored at source size (--score-at source or both).')); return; }
    const names = data.across.map(r => r.rendition);
    const box = el('div', { class: 'chart' });
    root.append(box, note('Each rung upscaled to the source and scored there, so rungs compare on one scale: the average of the runs\' means, and the lowest and highest run.'));
    chart(box, 'across', {
      height: 260, title: 'VMAF at source size per rendition, smallest picture first',
      scales: { x: { time: false, range: [-0.5, names.length - 0.5] } },
      axes: [{ label: 'rendition', splits: () => names.map((_, i) => i), values: (u, splits) => splits.map(i => names[i] ?? '') }, { label: 'VMAF' }],
      series: [{ label: 'rendition', value: (u, i) => names[i] ?? '' }, line('average mean', 0, { points: { show: true, size: 8 } }),
        line('lowest run', 1, { dash: [4, 4], points: { show: true, size: 6 } }), line('highest run', 2, { dash: [4, 4], points: { show: true, size: 6 } })],
    }, [names.map((_, i) => i), data.across.map(r => r.mean), data.across.map(r => r.min_mean), data.across.map(r => r.max_mean)]);
  }

  // Figure 6: the inversions, as the ladder_inversions view lists them.
  function inversionSection() {
    root.append(el('h2', {}, 'Ladder inversions'));
    if (!data.inversions.length) { root.append(note('None: no smaller rung scored at or above a larger one at source size in the window.')); return; }
    root.append(table(['run started', 'run', 'smaller', 'larger', 'smaller VMAF', 'larger VMAF', 'smaller kbit/s', 'larger kbit/s'],
      data.inversions.map(i => [i.started_at.slice(0, 16), i.run_id, i.smaller, i.larger, fmt(i.smaller_vmaf, 2), fmt(i.larger_vmaf, 2),
        fmt(i.smaller_kbps, 0), fmt(i.larger_kbps, 0)]), [0, 1, 2, 3]));
  }

  // Figure 7: job outcomes per day (stacked bars) and throughput per day.
  const outcomeColours = { complete: '#059669', 'gate-failed': '#d97706', failed: '#dc2626', 'dead-lettered': '#7f1d1d', returned: '#64748b', running: '#1d4ed8' };
  function daySection() {
    root.append(el('h2', {}, 'Job outcomes and throughput per day'));
    if (!data.days.some(d => d.jobs)) { root.append(note('No jobs in the window.')); return; }
    // uPlot gives a time axis of one point a range of its own choosing: a one-day window gets the day before, empty.
    const days = data.days.length > 1 ? data.days : [{ day: '', t: data.days[0].t - day, outcomes: {}, jobs: 0, frames: 0, wall_seconds: 0 }, ...data.days];
    const xs = days.map(d => d.t);
    const outcomes = Object.keys(outcomeColours).filter(o => days.some(d => d.outcomes[o]));
    for (const o of Object.keys(Object.assign({}, ...days.map(d => d.outcomes)))) if (!outcomes.includes(o)) outcomes.push(o);
    const bars = uPlot.paths.bars({ size: [0.6, 60] });
    // Stacked: each bar is drawn to its running total, the tallest first, so the next covers its lower part.
    const totals = outcomes.map((o, k) => days.map(d => outcomes.slice(0, k + 1).reduce((n, x) => n + (d.outcomes[x] || 0), 0)));
    const order = outcomes.map((o, k) => k).reverse();
    const boxA = el('div', { class: 'chart' }), boxB = el('div', { class: 'chart' });
    root.append(boxA, boxB);
    chart(boxA, 'outcomes', { height: 260, title: 'Jobs per day by outcome (stacked)', scales: { x: timeScale(day * 0.75), y: { range: (u, min, max) => [0, Math.max(1, max) * 1.15] } },
      axes: [{ label: 'day (UTC)' }, { label: 'jobs' }],
      series: [{ label: 'day', value: (u, v) => v == null ? '' : when(v).slice(0, 10) },
        ...order.map(k => ({ label: outcomes[k], stroke: outcomeColours[outcomes[k]] || palette[k], fill: outcomeColours[outcomes[k]] || palette[k], paths: bars,
          points: { show: false }, value: (u, v, s, i) => i == null ? '' : String(days[i].outcomes[outcomes[k]] || 0) }))],
    }, [xs, ...order.map(k => totals[k])]);
    chart(boxB, 'throughput', { height: 260, title: 'Frames encoded per day (bars) and job hours (line)',
      scales: { x: timeScale(day * 0.75), frames: { range: (u, min, max) => [0, Math.max(1, max) * 1.15] }, hours: { range: (u, min, max) => [0, Math.max(0.01, max) * 1.15] } },
      axes: [{ label: 'day (UTC)' }, { scale: 'frames', label: 'frames' }, { scale: 'hours', side: 1, label: 'job hours', grid: { show: false } }],
      series: [{ label: 'day', value: (u, v) => v == null ? '' : when(v).slice(0, 10) },
        { label: 'frames encoded', scale: 'frames', stroke: palette[0], fill: 'rgba(29,78,216,0.3)', paths: bars, points: { show: false } },
        line('job hours', 1, { scale: 'hours', points: { show: true, size: 8 } })],
    }, [xs, days.map(d => d.frames), days.map(d => d.wall_seconds / 3600)]);
    root.append(table(['day', 'jobs', ...outcomes, 'frames encoded', 'job hours'],
      data.days.filter(d => d.jobs).map(d => [d.day, String(d.jobs), ...outcomes.map(o => String(d.outcomes[o] || 0)), String(d.frames), fmt(d.wall_seconds / 3600, 2)]), [0]));
  }

  header();
  historySection();
  percentileSection();
  rateSection();
  versionSection();
  acrossSection();
  inversionSection();
  daySection();
})();

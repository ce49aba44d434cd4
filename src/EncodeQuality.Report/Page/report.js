// EncodeQuality run and comparison pages: draw the JSON in #eq-data with the helpers of common.js.
(function () {
  'use strict';
  const { data, root, el, fmt, signed, badge, resultBadge, table, chart, rateScale, rateAxis, line, upperHull } = eqPage;

  // A run's data is its summary.json object plus "modes", the per-frame values.
  function runPage() {
    const v = data.verdict;
    const warnings = v.checks.filter(c => c.result === 'failed' && !c.fatal).length;
    root.append(
      el('h1', {}, 'EncodeQuality run: ', data.source.split('/').pop(), ' ',
        badge(v.passed ? 'PASS' : 'FAIL', v.passed ? 'pass' : 'fail'), ' ',
        warnings ? badge(warnings + ' warning' + (warnings > 1 ? 's' : ''), 'warn') : null,
        data.sampled ? null : badge('not sampled', 'skip')),
      el('p', { class: 'sub' }, data.source),
      el('div', { class: 'facts' },
        ['Source', `${data.source_codec} ${data.source_format}`, 'Frames', `${data.frames} at ${data.source_fps} fps (${fmt(data.frames / data.source_fps, 2)} s)`,
          'Run', `${data.run_id}${data.job_id ? ' (job ' + data.job_id + ')' : ''}, ${data.started_at}, ${fmt(data.wall_seconds, 1)} s on ${data.host}`,
          'Scored', data.sampled ? 'yes' : 'no: sampling left this run out', 'Versions', `eq ${data.eq_version}; ${data.libraries}`]
          .map(t => el('div', {}, t))));

    root.append(el('h2', {}, 'Ladder'),
      table(['rendition', 'codec', 'size', 'rate control', 'kbit/s', 'encode fps'],
        data.renditions.map(r => [r.name, r.codec, `${r.width}x${r.height}`, r.rate_control || '', fmt(r.bitrate_kbps, 0), fmt(r.encode_fps, 1)]), [0, 1, 2, 3]),
      el('h2', {}, 'Settings'),
      table(['setting', 'value'], Object.entries(data.settings).map(([k, val]) => [k, typeof val === 'object' ? JSON.stringify(val) : String(val)]), [0, 1]));

    if (data.modes.length === 0) root.append(el('p', { class: 'note' }, 'No scores: this run encoded only.'));
    else { framesSection(); percentileSection(); rateQualitySection(); }
    checksSection();
    if (data.modes.length) worstSection();
  }

  const modeTitle = m => m === 'source' ? 'score-at source (recon upscaled to the source)' : 'score-at encode (at the rung\'s size)';

  function framesSection() {
    root.append(el('h2', {}, 'Per-frame scores'));
    const metrics = [...new Set(data.modes.flatMap(m => m.metrics))];
    const panels = data.modes.map(m => el('div', { class: 'chart', id: 'frames-' + m.mode }));
    const select = el('select', { id: 'frames-metric', onchange: () => draw(select.value) }, metrics.map(x => el('option', { value: x }, x)));
    const buttons = data.modes.map((m, i) => el('button', { class: i === 0 ? 'on' : '', onclick: () => show(i) }, modeTitle(m.mode)));
    function show(i) { panels.forEach((p, j) => p.style.display = i === j ? '' : 'none'); buttons.forEach((b, j) => b.className = i === j ? 'on' : ''); }
    function draw(metric) {
      data.modes.forEach((m, i) => {
        if (!m.metrics.includes(metric)) { panels[i].replaceChildren(el('p', { class: 'note' }, metric + ' is not scored here')); return; }
        const frames = m.rungs[0].frames;
        const columns = [frames, ...m.rungs.map(r => { const at = new Map(r.frames.map((f, k) => [f, r.values[metric][k]])); return frames.map(f => at.has(f) ? at.get(f) : null); })];
        // The worst 1 % of frames by VMAF are drawn as points on each rung's line.
        const worst = m.rungs.map(r => new Set(r.worst_percent || []));
        chart(panels[i], 'frames-' + m.mode, {
          title: `${metric} per frame, ${modeTitle(m.mode)}; points: the worst 1 % of frames by VMAF`,
          scales: { x: { time: false } }, axes: [{ label: 'frame' }, { label: metric }],
          series: [{ label: 'frame' }, ...m.rungs.map((r, k) => line(r.name, k, {
            points: { show: true, size: 7, filter: (u, s) => frames.map((f, idx) => worst[s - 1].has(f) ? idx : -1).filter(idx => idx >= 0) },
          }))],
        }, columns);
      });
    }
    root.append(el('div', { class: 'controls' }, el('span', { class: 'tabs' }, buttons), el('label', {}, 'metric ', select)), ...panels);
    draw(metrics[0]);
    show(0);
  }

  const stats = ['min', 'p1', 'p5', 'p50', 'mean', 'p95'];

  function percentileSection() {
    root.append(el('h2', {}, 'VMAF percentiles per rung'));
    for (const m of data.modes) {
      if (!m.metrics.includes('vmaf')) continue;
      const names = m.rungs.map(r => r.name);
      const box = el('div', { class: 'chart' });
      root.append(el('p', { class: 'note' }, modeTitle(m.mode)), box,
        table(['rendition', ...stats, 'max'], m.rungs.map(r => [r.name, ...[...stats, 'max'].map(s => fmt(r.pooled.vmaf[s], 2))])));
      chart(box, 'percentiles-' + m.mode, {
        height: 260, title: `VMAF ${stats.join(', ')} per rung, ${m.mode}`,
        scales: { x: { time: false, range: [-0.5, names.length - 0.5] } },
        axes: [{ label: 'rendition', splits: () => names.map((_, i) => i), values: (u, splits) => splits.map(i => names[i] ?? '') }, { label: 'VMAF' }],
        series: [{ label: 'rendition', value: (u, i) => names[i] ?? '' },
          ...stats.map((s, k) => line(s, k, { points: { show: true, size: 8 }, dash: s === 'mean' ? [6, 4] : undefined }))],
      }, [names.map((_, i) => i), ...stats.map(s => m.rungs.map(r => r.pooled.vmaf[s]))]);
    }
  }

  function rateQualitySection() {
    const modes = data.modes.filter(m => m.metrics.includes('vmaf'));
    if (!modes.length) return;
    root.append(el('h2', {}, 'Rate and quality'));
    const kbps = Object.fromEntries(data.renditions.map(r => [r.name, r.bitrate_kbps]));
    const xs = [...new Set(data.renditions.map(r => r.bitrate_kbps))].sort((a, b) => a - b);
    const inverted = new Set(data.verdict.checks.filter(c => c.kind === 'inversion' && c.result === 'failed').map(c => c.rendition));
    const columns = [xs], series = [{ label: 'kbit/s' }];
    modes.forEach((m, i) => {
      const byRate = new Map(m.rungs.map(r => [kbps[r.name], r]));
      const hull = upperHull(m.rungs.map(r => ({ x: kbps[r.name], y: r.pooled.vmaf.mean })));
      columns.push(xs.map(x => byRate.has(x) ? byRate.get(x).pooled.vmaf.mean : null));
      series.push(line('VMAF ' + m.mode, i * 2, { points: { show: true, size: 8 } }));
      columns.push(xs.map(x => byRate.has(x) && hull.has(x) ? byRate.get(x).pooled.vmaf.mean : null));
      series.push(line('convex hull ' + m.mode, i * 2, { dash: [4, 4], width: 1, points: { show: false } }));
      if (m.mode === 'source' && inverted.size) {
        columns.push(xs.map(x => byRate.has(x) && inverted.has(byRate.get(x).name) ? byRate.get(x).pooled.vmaf.mean : null));
        series.push({ label: 'inversion', stroke: '#dc2626', width: 0, paths: () => null, points: { show: true, size: 14, stroke: '#dc2626', fill: 'rgba(220,38,38,0.25)' } });
      }
    });
    const box = el('div', { class: 'chart' });
    root.append(box, el('p', { class: 'note' }, 'kbit/s on a log axis; one point per rung (mean VMAF); dashed: the upper convex hull; circled: inversions.'));
    chart(box, 'rate-quality', { title: 'VMAF against bitrate (kbit/s; 1M = 1000 kbit/s)', scales: { x: rateScale }, axes: [rateAxis, { label: 'VMAF' }], series }, columns);
  }

  function checksSection() {
    const checks = data.verdict.checks;
    root.append(el('h2', {}, 'Gates and ladder checks'));
    if (!checks.length) { root.append(el('p', { class: 'note' }, 'No gate was set and the ladder has one rung per codec.')); return; }
    root.append(table(['check', 'rendition', 'score-at', 'measured', 'required', 'result', 'rule', 'detail'],
      checks.map(c => [c.kind, c.rendition || '', c.score_at || '', fmt(c.measured, 3), c.required == null ? '' : String(c.required),
        c.result === 'failed' && !c.fatal ? badge('warning', 'warn') : resultBadge(c.result), c.rule, c.message]), [0, 1, 2, 5, 6, 7]));
  }

  function worstSection() {
    root.append(el('h2', {}, 'Worst frames'));
    for (const m of data.modes) {
      if (!m.rungs.some(r => r.worst)) continue;
      root.append(el('p', { class: 'note' }, `The 10 lowest-VMAF frames per rung, ${modeTitle(m.mode)}: frame (VMAF)`),
        table(['rendition', ...Array.from({ length: 10 }, (_, i) => '#' + (i + 1))],
          m.rungs.map(r => [r.name, ...Array.from({ length: 10 }, (_, i) => r.worst && r.worst[i] ? `${r.worst[i].frame} (${fmt(r.worst[i].vmaf, 1)})` : '')])));
    }
  }

  function comparisonPage() {
    root.append(el('h1', {}, 'EncodeQuality comparison ', badge(data.passed ? 'PASS' : 'FAIL', data.passed ? 'pass' : 'fail')),
      el('p', { class: 'sub' }, `BD-rate by ${data.bd_method === 'pchip' ? 'piecewise cubic (PCHIP)' : 'cubic fit (VCEG-M33)'} interpolation of log-rate against VMAF`));
    if (data.failures.length) root.append(el('ul', {}, data.failures.map(f => el('li', {}, badge('FAIL', 'fail'), ' ', f))));
    if (data.sources.length > 1) {
      const modes = Object.keys(data.average_bd_rate);
      root.append(el('h2', {}, 'Sources'),
        table(['source', ...modes.map(m => 'BD-rate % ' + m)],
          [...data.sources.map(s => [s.name, ...modes.map(m => { const b = s.bd.find(x => x.score_at === m); return b && b.bd_rate_percent != null ? signed(b.bd_rate_percent, 2) : 'not computable'; })]),
            ['average', ...modes.map(m => data.average_bd_rate[m] == null ? 'not computable' : signed(data.average_bd_rate[m], 2))]]));
    }
    data.sources.forEach((s, si) => {
      root.append(el('h2', {}, `${s.name ? s.name + ': ' : ''}BASE ${s.base} against NEW ${s.new}`), el('p', { class: 'sub' }, s.source));
      root.append(table(['score-at', 'points', 'BD-rate %', 'BD-VMAF', ''],
        s.bd.map(b => [b.score_at, String(b.points), signed(b.bd_rate_percent, 2), signed(b.bd_vmaf, 3), b.not_computable ? 'not computable: ' + b.not_computable : '']), [0, 4]));
      const modes = s.bd.map(b => b.score_at);
      const xs = [...new Set(s.rungs.flatMap(r => [r.base.kbps, r.new.kbps]))].sort((a, b) => a - b);
      const columns = [xs], series = [{ label: 'kbit/s' }];
      modes.forEach((m, i) => ['base', 'new'].forEach((side, k) => {
        const at = new Map(s.rungs.filter(r => r[side][m]).map(r => [r[side].kbps, r[side][m].vmaf_mean]));
        columns.push(xs.map(x => at.has(x) ? at.get(x) : null));
        series.push(line(`${side.toUpperCase()} ${m}`, i * 2 + k, { points: { show: true, size: 8 }, dash: side === 'base' ? [6, 4] : undefined }));
      }));
      const box = el('div', { class: 'chart' });
      root.append(box);
      chart(box, 'compare-' + si, { title: 'VMAF against bitrate (kbit/s; 1M = 1000 kbit/s): BASE dashed, NEW solid', scales: { x: rateScale },
        axes: [rateAxis, { label: 'VMAF' }], series }, columns);
      const rows = [];
      for (const r of s.rungs)
        for (const m of modes) {
          const b = r.base[m], n = r.new[m];
          if (!b || !n) continue;
          rows.push([r.name, m, `${r.width}x${r.height}`, fmt(r.base.kbps, 0), fmt(r.new.kbps, 0), signed(100 * (r.new.kbps / r.base.kbps - 1), 1),
            fmt(b.vmaf_mean, 2), fmt(n.vmaf_mean, 2), signed(n.vmaf_mean - b.vmaf_mean, 2), fmt(b.vmaf_p5, 2), fmt(n.vmaf_p5, 2), signed(n.vmaf_p5 - b.vmaf_p5, 2),
            fmt(b.vmaf_p1, 2), fmt(n.vmaf_p1, 2), signed(n.vmaf_p1 - b.vmaf_p1, 2), fmt(r.base.encode_fps, 1), fmt(r.new.encode_fps, 1)]);
        }
      root.append(table(['rendition', 'score-at', 'size', 'kbit/s BASE', 'NEW', 'Δ%', 'VMAF BASE', 'NEW', 'Δ', 'p5 BASE', 'NEW', 'Δ', 'p1 BASE', 'NEW', 'Δ',
        'enc fps BASE', 'NEW'], rows, [0, 1, 2]));
    });
  }

  if (data.kind === 'comparison') comparisonPage(); else runPage();
})();

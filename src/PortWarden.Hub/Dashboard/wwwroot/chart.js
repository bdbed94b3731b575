import { h, uniqueId } from './dom.js';
import { time } from './format.js';

// The chart of open ports (a line, left scale) and changes (bars, right scale: unplanned stacked on planned)
// over time, drawn as SVG; the same numbers are in a table below it for screen readers and for copying.
const width = 800;
const height = 240;
const margin = { top: 16, right: 44, bottom: 28, left: 52 };

export function timelineChart(timeline, label) {
  const points = timeline.points;
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const maxOpen = Math.max(1, ...points.map(p => p.openPorts ?? 0));
  const maxChanges = Math.max(1, ...points.map(p => p.unplanned + p.planned));
  const step = plotWidth / Math.max(1, points.length);
  const x = i => margin.left + (i * step);
  const yOpen = v => margin.top + plotHeight - ((v / maxOpen) * plotHeight);
  const yChanges = v => margin.top + plotHeight - ((v / maxChanges) * plotHeight);

  const titleId = uniqueId('chart-title');
  const descId = uniqueId('chart-desc');
  const totalUnplanned = points.reduce((sum, p) => sum + p.unplanned, 0);
  const totalPlanned = points.reduce((sum, p) => sum + p.planned, 0);
  const lastOpen = [...points].reverse().find(p => p.openPorts !== null)?.openPorts;
  const summary = `${lastOpen ?? 'no'} open ports at the end; ${totalUnplanned} unplanned and ${totalPlanned} planned changes from ${time(timeline.from)} to ${time(timeline.to)}.`;

  const bars = points.flatMap((p, i) => {
    const barWidth = Math.max(1, step * 0.6);
    const left = x(i) + ((step - barWidth) / 2);
    const plannedTop = yChanges(p.planned);
    const unplannedTop = yChanges(p.planned + p.unplanned);
    return [
      p.planned > 0 ? h('rect', { class: 'bar planned', x: left, y: plannedTop, width: barWidth, height: margin.top + plotHeight - plannedTop },
        h('title', null, `${time(p.start)}: ${p.planned} planned`)) : null,
      p.unplanned > 0 ? h('rect', { class: 'bar unplanned', x: left, y: unplannedTop, width: barWidth, height: plannedTop - unplannedTop },
        h('title', null, `${time(p.start)}: ${p.unplanned} unplanned`)) : null,
    ];
  });
  const line = points.map((p, i) => p.openPorts === null ? null : `${(x(i) + (step / 2)).toFixed(1)},${yOpen(p.openPorts).toFixed(1)}`).filter(Boolean);
  const axisY = margin.top + plotHeight;
  const ticks = [0, Math.floor((points.length - 1) / 2), points.length - 1].filter((v, i, all) => v >= 0 && all.indexOf(v) === i);

  const svg = h('svg', { class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}` },
    h('title', { id: titleId }, label),
    h('desc', { id: descId }, summary),
    h('line', { class: 'axis', x1: margin.left, y1: axisY, x2: width - margin.right, y2: axisY }),
    h('line', { class: 'axis', x1: margin.left, y1: margin.top, x2: margin.left, y2: axisY }),
    h('text', { class: 'tick open', x: margin.left - 6, y: margin.top + 4, 'text-anchor': 'end' }, String(maxOpen)),
    h('text', { class: 'tick open', x: margin.left - 6, y: axisY, 'text-anchor': 'end' }, '0'),
    h('text', { class: 'tick changes', x: width - margin.right + 6, y: margin.top + 4 }, String(maxChanges)),
    h('text', { class: 'tick changes', x: width - margin.right + 6, y: axisY }, '0'),
    ticks.map(i => h('text', { class: 'tick', x: x(i) + (step / 2), y: height - 8, 'text-anchor': 'middle' }, time(points[i].start).slice(5, 16))),
    bars,
    line.length > 1 ? h('polyline', { class: 'line open', points: line.join(' ') }) : null,
    line.length === 1 ? h('circle', { class: 'dot open', cx: line[0].split(',')[0], cy: line[0].split(',')[1], r: 4 }) : null);

  const legend = h('ul', { class: 'legend' },
    h('li', null, h('span', { class: 'key open' }), 'Open ports (left scale)'),
    h('li', null, h('span', { class: 'key unplanned' }), 'Unplanned changes (right scale)'),
    h('li', null, h('span', { class: 'key planned' }), 'Planned changes (right scale)'));

  const rows = points.map(p => h('tr', null,
    h('td', null, `${time(p.start)} – ${time(p.end)}`), h('td', null, p.openPorts ?? '—'), h('td', null, p.unplanned), h('td', null, p.planned)));
  const data = h('details', { class: 'chart-data' },
    h('summary', null, 'Chart data as a table'),
    h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': 'Chart data' },
      h('table', null,
        h('thead', null, h('tr', null, ['Interval', 'Open ports', 'Unplanned', 'Planned'].map(t => h('th', { scope: 'col' }, t)))),
        h('tbody', null, rows))));

  return h('figure', { class: 'chart-figure' }, h('div', { class: 'chart-scroll' }, svg), h('figcaption', null, summary), legend, data);
}

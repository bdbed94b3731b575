import { api } from '../api.js';
import { h, replace, section, table } from '../dom.js';
import { time, ago, duration, change, port } from '../format.js';
import { classification, agentStatus, count } from '../badges.js';
import { timelineChart } from '../chart.js';

// What is open where, what changed, was it approved: totals, the chart, every device, the latest changes.
export async function render(main) {
  const [overview, timeline] = await Promise.all([api('overview'), api('timeline?hours=24')]);
  const openPorts = overview.devices.reduce((sum, d) => sum + d.openPorts, 0);
  const online = overview.agents.filter(a => a.status === 'online').length;
  const active = overview.agents.filter(a => a.status !== 'revoked').length;

  const chartHolder = h('div', { class: 'chart-holder' }, timelineChart(timeline, 'Open ports and changes, last 24 hours'));
  const range = h('select', {
    id: 'chart-range',
    onchange: async event => {
      const hours = Number(event.target.value);
      const label = event.target.selectedOptions[0].textContent;
      replace(chartHolder, timelineChart(await api(`timeline?hours=${hours}`), `Open ports and changes, ${label}`));
    },
  }, h('option', { value: 24 }, 'last 24 hours'), h('option', { value: 168 }, 'last 7 days'), h('option', { value: 720 }, 'last 30 days'));

  const deviceRows = overview.devices.map(d => h('tr', { 'data-device': d.device.name },
    h('th', { scope: 'row' }, h('a', { href: `/devices/${d.device.id}` }, d.device.name)),
    h('td', null, d.device.kind, d.device.targets ? h('span', { class: 'muted block' }, d.device.targets) : null),
    h('td', null, d.agents.length === 0 ? h('span', { class: 'badge warn' }, 'no agent') : d.agents.map(agentStatus)),
    h('td', null, d.lastPoll ? [time(d.lastPoll.startedAt), h('span', { class: 'muted block' }, ago(d.lastPoll.startedAt))] : 'never',
      d.lastPoll?.error ? h('span', { class: 'error-text block' }, d.lastPoll.error) : null),
    h('td', null, d.lastPoll ? (d.lastPoll.running ? 'running' : duration(d.lastPoll.durationMs)) : '—'),
    h('td', { class: 'num' }, d.openPorts),
    h('td', { class: 'num' }, d.hostsUp),
    h('td', { class: 'num', 'data-unplanned': d.unplannedLast24h }, count(d.unplannedLast24h, 'unplanned')),
    h('td', { class: 'num' }, count(d.plannedLast24h, 'planned'))));

  const changeRows = overview.recentChanges.map(e => h('tr', { 'data-event': e.id, 'data-port': e.port ?? '' },
    h('td', null, time(e.occurredAt)),
    h('td', null, h('a', { href: `/devices/${deviceId(overview, e.device)}` }, e.device)),
    h('td', null, e.host ?? ''),
    h('td', null, port(e)),
    h('td', null, change(e)),
    h('td', null, classification(e))));

  replace(main,
    h('h1', null, 'Overview'),
    h('ul', { class: 'stats' },
      stat('Devices', overview.devices.length),
      stat('Open ports', openPorts),
      stat('Unplanned changes, 24 h', overview.unplannedLast24h, overview.unplannedLast24h > 0 ? 'unplanned' : null),
      stat('Planned changes, 24 h', overview.plannedLast24h),
      stat('Agents online', `${online} of ${active}`, online < active ? 'warn' : null)),
    section('Open ports and changes over time',
      h('div', { class: 'inline-field' }, h('label', { for: 'chart-range' }, 'Range'), range),
      chartHolder),
    section('Devices',
      table('Devices and networks with their agents, last poll and open ports',
        ['Device', 'Kind and targets', 'Agents', 'Last poll', 'Duration', 'Open ports', 'Hosts up', 'Unplanned, 24 h', 'Planned, 24 h'],
        deviceRows, { name: 'devices', hideCaption: true, empty: 'No devices yet: add one under Trackers and devices.' })),
    section('Latest changes',
      table('The latest port and host changes, newest first', ['Time', 'Device', 'Host', 'Port', 'Change', 'Classification'], changeRows,
        { name: 'recent-changes', hideCaption: true, empty: 'No changes recorded yet.' }),
      h('p', null, h('a', { href: '/events?type=port-opened&type=port-closed&type=service-changed&type=host-up&type=host-down' }, 'All changes'))));
}

function stat(label, value, kind) {
  return h('li', { class: ['stat', kind] }, h('span', { class: 'stat-value' }, String(value)), h('span', { class: 'stat-label' }, label));
}

function deviceId(overview, name) {
  return overview.devices.find(d => d.device.name === name)?.device.id ?? '';
}

import { api, query } from '../api.js';
import { h, replace, section, table } from '../dom.js';
import { time, duration, change, port } from '../format.js';
import { classification, agentStatus } from '../badges.js';
import { timelineChart } from '../chart.js';
import { RunWatcher } from '../runs.js';
import { canChange } from '../session.js';

const changeTypes = ['port-opened', 'port-closed', 'service-changed', 'host-up', 'host-down'];
const pageSize = 25;

// One device: its trackers (run now, live progress), current baseline, change history and poll history.
export async function render(main, [id], params) {
  const [device, trackers, overview] = await Promise.all([api(`devices/${id}`), api(`devices/${id}/trackers`), api('overview')]);
  const agents = overview.agents.filter(a => device.agentIds.includes(a.id));
  const baselineHolder = h('div');
  const historyHolder = h('div');
  const pollsHolder = h('div');
  const chartHolder = h('div', { class: 'chart-holder' });

  const refresh = async () => {
    const before = params.get('before');
    const [baseline, history, polls, timeline] = await Promise.all([
      api(`devices/${id}/baseline`),
      api(`events?${query({ device: id, type: changeTypes, order: 'desc', limit: pageSize, before })}`),
      api(`devices/${id}/polls?limit=50`),
      api(`timeline?device=${id}&hours=168`),
    ]);
    replace(baselineHolder, baselineTable(baseline));
    replace(historyHolder, historyTable(history, id, before));
    replace(pollsHolder, pollTable(polls));
    replace(chartHolder, timelineChart(timeline, `Open ports and changes of ${device.name}, last 7 days`));
    return polls;
  };

  const watcher = new RunWatcher(() => refresh());
  const polls = await refresh();
  const trackerRows = trackers.map(t => {
    const status = h('td', { 'data-tracker-status': t.name });
    watcher.watch(t, status, polls.find(p => p.trackerId === t.id && !p.running) ?? null);
    return h('tr', null, h('th', { scope: 'row' }, t.name), h('td', null, t.mode), h('td', null, t.ports), h('td', null, t.engine), status,
      canChange && h('td', null, watcher.button(t)));
  });

  replace(main,
    h('h1', null, device.name),
    h('dl', { class: 'facts' },
      h('dt', null, 'Kind'), h('dd', null, device.kind),
      h('dt', null, 'Targets'), h('dd', null, device.targets || 'this host'),
      h('dt', null, 'Agents'), h('dd', null, agents.length ? agents.map(agentStatus) : 'none'),
      h('dt', null, 'Last poll'), h('dd', null, time(device.lastPollAt))),
    h('p', null, h('a', { href: `/events?device=${id}` }, 'All events of this device'), ' · ', h('a', { href: '/trackers' }, 'Edit device and trackers')),
    section('Trackers', table('Trackers of this device', ['Tracker', 'Mode', 'Ports', 'Engine', 'Status', ...(canChange ? ['Actions'] : [])], trackerRows,
      { name: 'trackers', hideCaption: true, empty: 'No trackers: add one under Trackers and devices.' })),
    section('Current baseline', baselineHolder),
    section('Open ports and changes over time', chartHolder),
    section('Change history', historyHolder),
    section('Poll history', pollsHolder));
}

function baselineTable(hosts) {
  const rows = hosts.flatMap(host => host.state === 'down' || host.ports.length === 0
    ? [h('tr', null, h('td', null, hostName(host)), h('td', null, '—'), h('td', null, '—'), h('td', null, host.state === 'down' ? 'host down' : 'no open ports'),
      h('td', null, ''), h('td', null, ''), h('td', null, ''), h('td', null, time(host.firstSeen)), h('td', null, time(host.lastChanged)))]
    : host.ports.map(p => h('tr', { 'data-port': p.port },
      h('td', null, hostName(host)), h('td', null, p.protocol), h('td', { class: 'num' }, p.port), h('td', null, 'open'),
      h('td', null, [p.service, p.detail?.product, p.detail?.version].filter(Boolean).join(' ')),
      h('td', null, p.process ? `${p.process.name ?? '?'} (${p.process.pid})${p.process.user ? ` · ${p.process.user}` : ''}` : ''),
      h('td', null, p.bindAddress ?? ''),
      h('td', null, time(p.firstSeen)), h('td', null, time(p.lastChanged)))));
  return table('Open ports now', ['Host', 'Protocol', 'Port', 'State', 'Service', 'Process', 'Bind address', 'First seen', 'Last changed'], rows,
    { name: 'baseline', hideCaption: true, empty: 'No baseline yet: the first poll records it.' });
}

function hostName(host) {
  return host.hostName && host.hostName !== host.address ? `${host.address} (${host.hostName})` : host.address;
}

function historyTable(page, id, before) {
  const rows = page.items.map(e => h('tr', { 'data-event': e.id, 'data-port': e.port ?? '', 'data-type': e.type },
    h('td', null, time(e.occurredAt)), h('td', null, e.host ?? ''), h('td', null, port(e)), h('td', null, e.type), h('td', null, change(e)), h('td', null, classification(e))));
  return [
    table('Changes, newest first', ['Time', 'Host', 'Port', 'Type', 'Change', 'Classification'], rows, { name: 'history', hideCaption: true, empty: 'No changes.' }),
    h('nav', { class: 'pager', 'aria-label': 'Change history pages' },
      before ? h('a', { href: `/devices/${id}` }, 'Newest') : null,
      page.nextCursor ? h('a', { href: `/devices/${id}?before=${page.nextCursor}` }, 'Older changes') : null),
  ];
}

function pollTable(polls) {
  const rows = polls.map(p => h('tr', { 'data-poll': p.id },
    h('td', null, time(p.startedAt)), h('td', null, p.running ? 'running' : duration(p.durationMs)), h('td', null, p.engine),
    h('td', { class: 'num' }, `${p.hostsUp} / ${p.hostsScanned}`), h('td', { class: 'num' }, p.open), h('td', { class: 'num' }, p.changes),
    h('td', { class: p.error ? 'error-text' : null }, p.error ?? '')));
  return table('Polls, newest first', ['Started', 'Duration', 'Engine', 'Hosts up / scanned', 'Open', 'Changes', 'Error'], rows,
    { name: 'polls', hideCaption: true, empty: 'No polls yet.' });
}

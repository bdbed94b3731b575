import { api, query, ApiError } from '../api.js';
import { h, replace, section, table } from '../dom.js';
import { time, change, port } from '../format.js';
import { classification } from '../badges.js';
import { field, showErrors, errorSummary } from '../forms.js';

const types = ['port-opened', 'port-closed', 'service-changed', 'host-up', 'host-down', 'poll-completed', 'baseline'];
const filterNames = ['device', 'type', 'classification', 'since', 'until', 'host', 'protocol', 'port', 'window'];
const pageSize = 50;

// The event log, filtered by the query string (the filter form submits to this page), newest first, paged;
// the export links carry exactly the same filters to /api/v1/events/export.
export async function render(main, _, params) {
  const devices = (await api('devices')).map(d => d.device);
  const filters = {};
  for (const name of filterNames) {
    const values = params.getAll(name).filter(v => v !== '');
    if (values.length > 0) filters[name] = name === 'type' ? values : values[0];
  }
  if (!filters.port) delete filters.protocol;

  const form = filterForm(devices, filters);
  const results = h('div', { id: 'event-results' });
  replace(main, h('h1', null, 'Events'), form, results);

  const before = params.get('before');
  let page;
  try {
    page = await api(`events?${query({ ...filters, order: 'desc', limit: pageSize, before })}`);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    showErrors(form, error);
    replace(results, h('p', null, 'Correct the filters to see events.'));
    return;
  }

  const filterText = query(filters);
  const exportLink = (format, label) => h('a', {
    class: 'button secondary', href: `/api/v1/events/export?${query({ ...filters, format })}`, download: '', 'data-export': format,
  }, label);
  const rows = page.items.map(e => h('tr', { 'data-event': e.id, 'data-port': e.port ?? '', 'data-type': e.type },
    h('td', { class: 'num' }, e.seq),
    h('td', null, time(e.occurredAt)),
    h('td', null, h('a', { href: `/devices/${devices.find(d => d.name === e.device)?.id ?? ''}` }, e.device)),
    h('td', null, e.type),
    h('td', null, e.host ?? ''),
    h('td', null, port(e)),
    h('td', null, e.type === 'poll-completed' ? pollSummary(e) : change(e)),
    h('td', null, classification(e))));

  replace(results,
    section('Matching events',
      h('div', { class: 'toolbar' },
        h('span', null, 'Export every event this filter selects (all pages): '),
        exportLink('csv', 'CSV'), exportLink('jsonl', 'JSON Lines'), exportLink('json', 'JSON')),
      table('Events, newest first', ['Seq', 'Time', 'Device', 'Type', 'Host', 'Port', 'What happened', 'Classification'], rows,
        { name: 'events', hideCaption: true, empty: 'No events match these filters.' }),
      h('nav', { class: 'pager', 'aria-label': 'Event pages' },
        before ? h('a', { href: `/events?${filterText}` }, 'Newest') : null,
        page.nextCursor ? h('a', { href: `/events?${query({ ...filters, before: page.nextCursor })}` }, 'Older events') : null)));
}

function pollSummary(e) {
  const payload = e.payload ?? {};
  const parts = [];
  if (payload.open !== undefined) parts.push(`${payload.open} open`);
  if (payload.changes !== undefined) parts.push(`${payload.changes} changes`);
  if (payload.error) parts.push(`error: ${payload.error}`);
  return parts.join(' · ') || 'poll completed';
}

function filterForm(devices, filters) {
  const selected = new Set(filters.type ?? []);
  return h('form', { method: 'get', action: '/events', class: 'card filters', 'aria-label': 'Event filters' },
    errorSummary(),
    h('div', { class: 'grid' },
      field({
        label: 'Device', name: 'device', type: 'select', value: filters.device ?? '',
        options: [{ value: '', label: 'All devices' }, ...devices.map(d => ({ value: d.id, label: d.name }))],
      }),
      field({
        label: 'Planned or unplanned', name: 'classification', type: 'select', value: filters.classification ?? '',
        options: [{ value: '', label: 'Either' }, { value: 'unplanned', label: 'Unplanned' }, { value: 'planned', label: 'Planned' }],
      }),
      field({ label: 'Since', name: 'since', value: filters.since ?? '', hint: 'e.g. -24h, yesterday, 2026-01-31T08:00Z' }),
      field({ label: 'Until', name: 'until', value: filters.until ?? '', hint: 'e.g. now, -1h' }),
      field({ label: 'Host', name: 'host', value: filters.host ?? '', hint: 'an IP address' }),
      field({ label: 'Port', name: 'port', type: 'number', value: filters.port ?? '', attrs: { min: 1, max: 65535 } }),
      field({
        label: 'Protocol', name: 'protocol', type: 'select', value: filters.protocol ?? 'tcp',
        options: [{ value: 'tcp', label: 'TCP' }, { value: 'udp', label: 'UDP' }],
      }),
      field({ label: 'Planned change (window id)', name: 'window', type: 'number', value: filters.window ?? '', attrs: { min: 1 } })),
    h('fieldset', { 'data-field': 'type', class: 'types' },
      h('legend', null, 'Types (none ticked: all)'),
      types.map(type => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'type', value: type, checked: selected.has(type) }), ` ${type}`)),
      h('p', { class: 'field-error', hidden: true })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit' }, 'Apply filters'),
      h('a', { href: '/events', class: 'button secondary' }, 'Clear filters')));
}

import { api } from '../api.js';
import { h, replace, section, table, announce } from '../dom.js';
import { time, localInput } from '../format.js';
import { canChange } from '../session.js';
import { field, showErrors, clearErrors, errorSummary, text, number } from '../forms.js';

// Approved change windows: create, edit, delete, and which events each one made planned.
export async function render(main) {
  const [windows, devices] = await Promise.all([api('planned-changes'), api('devices')]);
  const names = new Map(devices.map(d => [d.device.id, d.device.name]));
  const covered = await Promise.all(windows.map(w => api(`events?window=${w.id}&limit=1000`)));
  const form = windowForm(devices.map(d => d.device), null);
  const now = Date.now();

  const rows = windows.map((w, i) => {
    const count = covered[i].items.length;
    const state = new Date(w.to).getTime() < now ? 'past' : new Date(w.from).getTime() > now ? 'upcoming' : 'active';
    return h('tr', { 'data-window': w.id, 'data-reference': w.reference ?? '' },
      h('th', { scope: 'row' }, w.reference ?? `#${w.id}`),
      h('td', null, w.deviceId ? names.get(w.deviceId) ?? `device ${w.deviceId}` : 'all devices'),
      h('td', null, w.targets ?? 'all hosts'),
      h('td', null, [w.ports ?? 'all ports', w.excludePorts ? ` except ${w.excludePorts}` : ''].join('')),
      h('td', null, time(w.from)),
      h('td', null, time(w.to)),
      h('td', null, h('span', { class: ['badge', state === 'active' ? 'ok' : 'neutral'] }, state)),
      h('td', null, w.description ?? ''),
      h('td', { 'data-covered': count }, h('a', { href: `/events?window=${w.id}` }, `${count}${count >= 1000 ? '+' : ''} event${count === 1 ? '' : 's'}`)),
      canChange && h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => edit(form, w) }, `Edit ${w.reference ?? `window ${w.id}`}`),
        h('button', {
          type: 'button', class: 'danger',
          onclick: async () => {
            if (!confirm(`Delete the planned change ${w.reference ?? w.id}? Events it already made planned keep their stamp.`)) return;
            await api(`planned-changes/${w.id}`, { method: 'DELETE' });
            location.reload();
          },
        }, `Delete ${w.reference ?? `window ${w.id}`}`)));
  });

  replace(main,
    h('h1', null, 'Planned changes'),
    h('p', { class: 'lead' }, 'A change that a poll finds inside an approved window (device, hosts, ports and time) is marked planned, with the window\'s reference; any other change is unplanned. Editing or deleting a window changes how later changes are classified, not events already recorded.'),
    section('Windows', table('Planned-change windows', ['Reference', 'Device', 'Hosts', 'Ports', 'From', 'To', 'State', 'Description', 'Covered events', ...(canChange ? ['Actions'] : [])], rows,
      { name: 'windows', hideCaption: true, empty: 'No planned changes.' })),
    canChange && section('New or changed window', form));
}

function windowForm(devices, window) {
  const start = new Date();
  const end = new Date(start.getTime() + (2 * 3600 * 1000));
  const form = h('form', { class: 'card', 'aria-label': 'Planned change', novalidate: true },
    errorSummary(),
    h('input', { type: 'hidden', name: 'id', value: window?.id ?? '' }),
    h('div', { class: 'grid' },
      field({
        label: 'Device', name: 'deviceId', type: 'select', value: window?.deviceId ?? '',
        options: [{ value: '', label: 'All devices' }, ...devices.map(d => ({ value: d.id, label: d.name }))],
      }),
      field({ label: 'Reference', name: 'reference', hint: 'ticket or change id, e.g. CHG-1234' }),
      field({ label: 'Hosts', name: 'targets', hint: 'addresses, ranges or CIDR blocks; empty: every host of the device' }),
      field({ label: 'Ports', name: 'ports', hint: 'e.g. 443, T:8000-8100, U:53; empty: every port' }),
      field({ label: 'Except ports', name: 'excludePorts' }),
      field({ label: 'From', name: 'from', type: 'datetime-local', value: localInput(start.toISOString()), hint: 'local time', required: true }),
      field({ label: 'To', name: 'to', type: 'datetime-local', value: localInput(end.toISOString()), hint: 'local time', required: true }),
      field({ label: 'Description', name: 'description', type: 'textarea' })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', 'data-submit': 'window' }, 'Save planned change'),
      h('button', { type: 'reset', class: 'secondary', onclick: () => { form.elements.namedItem('id').value = ''; clearErrors(form); } }, 'New window')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const id = text(form, 'id');
    const body = {
      deviceId: number(form, 'deviceId'),
      reference: text(form, 'reference'),
      targets: text(form, 'targets'),
      ports: text(form, 'ports'),
      excludePorts: text(form, 'excludePorts'),
      from: instant(text(form, 'from')),
      to: instant(text(form, 'to')),
      description: text(form, 'description'),
    };
    try {
      await api(id ? `planned-changes/${id}` : 'planned-changes', { method: id ? 'PUT' : 'POST', body });
      announce('Planned change saved.');
      location.reload();
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}

function edit(form, w) {
  clearErrors(form);
  const set = (name, value) => { form.elements.namedItem(name).value = value ?? ''; };
  set('id', w.id);
  set('deviceId', w.deviceId ?? '');
  set('reference', w.reference);
  set('targets', w.targets);
  set('ports', w.ports);
  set('excludePorts', w.excludePorts);
  set('from', localInput(w.from));
  set('to', localInput(w.to));
  set('description', w.description);
  form.querySelector('input:not([type=hidden]), select').focus();
  announce(`Editing ${w.reference ?? `window ${w.id}`}.`);
}

/** A datetime-local value (local time) as an ISO instant; null when empty. */
function instant(value) {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

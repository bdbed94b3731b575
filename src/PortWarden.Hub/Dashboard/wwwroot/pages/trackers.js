import { api } from '../api.js';
import { h, replace, section, table, announce } from '../dom.js';
import { field, fieldset, showErrors, clearErrors, errorSummary, text, number, checked } from '../forms.js';
import { RunWatcher } from '../runs.js';
import { canChange } from '../session.js';

// Devices and their trackers: create and edit (the API's validation messages next to each field), run now,
// and the live progress of running polls.
export async function render(main) {
  const [summaries, trackers, overview, engines] = await Promise.all([api('devices'), api('trackers'), api('overview'), api('engines')]);
  const devices = summaries.map(s => s.device);
  const agents = overview.agents.filter(a => a.status !== 'revoked');
  const polls = new Map(await Promise.all(devices.map(async d => [d.id, await api(`devices/${d.id}/polls?limit=50`)])));

  const deviceForm = makeDeviceForm(agents);
  const trackerForm = makeTrackerForm(devices, engines);
  const watcher = new RunWatcher();

  const deviceRows = devices.map(d => h('tr', { 'data-device': d.name },
    h('th', { scope: 'row' }, h('a', { href: `/devices/${d.id}` }, d.name)),
    h('td', null, d.kind),
    h('td', null, d.targets || 'this host'),
    h('td', null, d.agentIds.map(id => agents.find(a => a.id === id)?.name ?? `#${id}`).join(', ') || 'none'),
    canChange && h('td', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: () => editDevice(deviceForm, d) }, `Edit ${d.name}`))));

  const trackerRows = trackers.map(t => {
    const device = devices.find(d => d.id === t.deviceId);
    const status = h('td', { 'data-tracker-status': t.name, class: 'status' });
    watcher.watch(t, status, (polls.get(t.deviceId) ?? []).find(p => p.trackerId === t.id && !p.running) ?? null);
    return h('tr', { 'data-tracker': t.name },
      h('th', { scope: 'row' }, t.name),
      h('td', null, device ? h('a', { href: `/devices/${device.id}` }, device.name) : `#${t.deviceId}`),
      h('td', null, t.mode),
      h('td', null, t.ports, t.excludePorts ? ` except ${t.excludePorts}` : ''),
      h('td', null, t.engine),
      h('td', null, schedule(t.schedule)),
      h('td', null, t.enabled ? 'yes' : 'no'),
      status,
      canChange && h('td', { class: 'actions' },
        watcher.button(t),
        h('button', { type: 'button', class: 'secondary', onclick: () => editTracker(trackerForm, t) }, `Edit ${t.name}`),
        h('button', {
          type: 'button', class: 'danger',
          onclick: async () => {
            if (!confirm(`Delete tracker ${t.name}? Its polls and events stay.`)) return;
            await api(`trackers/${t.id}`, { method: 'DELETE' });
            location.reload();
          },
        }, `Delete ${t.name}`)));
  });

  replace(main,
    h('h1', null, 'Trackers and devices'),
    section('Devices',
      table('Devices', ['Device', 'Kind', 'Targets', 'Agents', ...(canChange ? ['Actions'] : [])], deviceRows, { name: 'devices', hideCaption: true, empty: 'No devices yet.' }),
      canChange && [h('h3', null, 'New or changed device'), deviceForm]),
    section('Trackers',
      table('Trackers', ['Tracker', 'Device', 'Mode', 'Ports', 'Engine', 'Schedule', 'Enabled', 'Status', ...(canChange ? ['Actions'] : [])], trackerRows,
        { name: 'trackers', hideCaption: true, empty: devices.length ? 'No trackers yet.' : 'Add a device first.' }),
      canChange && [h('h3', null, 'New or changed tracker'), trackerForm]));
}

function schedule(s) {
  const parts = [];
  if (s.atStartup) parts.push('at agent start');
  if (s.everySeconds) parts.push(`every ${s.everySeconds} s`);
  if (s.cron) parts.push(`cron ${s.cron}`);
  return parts.join(', ') || 'on request only';
}

function makeDeviceForm(agents) {
  const form = h('form', { class: 'card', 'aria-label': 'Device', novalidate: true, 'data-form': 'device' },
    errorSummary(),
    h('input', { type: 'hidden', name: 'id', value: '' }),
    h('div', { class: 'grid' },
      field({ label: 'Name', name: 'name', required: true, hint: 'a host name or a network\'s name, e.g. "New York Office LAN"' }),
      field({
        label: 'Kind', name: 'kind', type: 'select', value: 'host',
        options: [{ value: 'host', label: 'Host' }, { value: 'network', label: 'Network' }, { value: 'self', label: 'Self (the agent\'s own host)' }],
      }),
      field({ label: 'Targets', name: 'targets', hint: 'addresses, ranges (192.168.1.20-100), CIDR blocks or host names; none for self' })),
    fieldset('Agents that poll it', 'agentIds',
      agents.length === 0 ? h('p', { class: 'muted' }, 'No agents: enrol one under Agents.') : agents.map(a =>
        h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'agentIds', value: a.id }), ` ${a.name} (${a.status})`))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', 'data-submit': 'device' }, 'Save device'),
      h('button', { type: 'reset', class: 'secondary', onclick: () => { form.elements.namedItem('id').value = ''; form.elements.namedItem('name').readOnly = false; clearErrors(form); } }, 'New device')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const id = text(form, 'id');
    const body = {
      name: text(form, 'name'),
      kind: text(form, 'kind'),
      targets: text(form, 'targets'),
      agentIds: [...form.querySelectorAll('input[name=agentIds]:checked')].map(box => Number(box.value)),
    };
    try {
      const saved = await api(id ? `devices/${id}` : 'devices', { method: id ? 'PUT' : 'POST', body });
      announce(`Device ${saved.name} saved.`);
      location.reload();
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}

function editDevice(form, d) {
  clearErrors(form);
  form.elements.namedItem('id').value = d.id;
  form.elements.namedItem('name').value = d.name;
  // The API keeps history under a device's name: it cannot be renamed.
  form.elements.namedItem('name').readOnly = true;
  form.elements.namedItem('kind').value = d.kind;
  form.elements.namedItem('targets').value = d.targets;
  for (const box of form.querySelectorAll('input[name=agentIds]')) box.checked = d.agentIds.includes(Number(box.value));
  form.elements.namedItem('kind').focus();
  announce(`Editing device ${d.name}.`);
}

function makeTrackerForm(devices, engines) {
  const form = h('form', { class: 'card', 'aria-label': 'Tracker', novalidate: true, 'data-form': 'tracker' },
    errorSummary(),
    h('input', { type: 'hidden', name: 'id', value: '' }),
    h('div', { class: 'grid' },
      field({ label: 'Device', name: 'deviceId', type: 'select', options: [{ value: '', label: 'Choose a device' }, ...devices.map(d => ({ value: d.id, label: d.name }))] }),
      field({ label: 'Name', name: 'name', required: true }),
      field({
        label: 'Mode', name: 'mode', type: 'select', value: 'remote',
        options: [{ value: 'remote', label: 'Remote host' }, { value: 'network', label: 'Network' }, { value: 'self', label: 'Self-scan' }],
      }),
      field({ label: 'Ports', name: 'ports', hint: 'nmap syntax: 22,80,8000-8100, - for all, T:1-1024,U:53; empty: the default list' }),
      field({ label: 'Except ports', name: 'excludePorts' }),
      field({ label: 'Engine', name: 'engine', type: 'select', options: engines.map(e => ({ value: e, label: e })) }),
      field({ label: 'Confirm after polls', name: 'confirmPolls', type: 'number', value: 1, hint: 'a change counts once this many polls in a row agree', attrs: { min: 1 } }),
      field({ label: 'Shard size', name: 'shardSize', type: 'number', hint: 'network trackers only: addresses per shard that agents share', attrs: { min: 1 } })),
    fieldset('Schedule', 'schedule',
      h('div', { class: 'grid' },
        field({ label: 'At agent start', name: 'atStartup', type: 'checkbox' }),
        field({ label: 'Every (seconds)', name: 'everySeconds', type: 'number', attrs: { min: 1 } }),
        field({ label: 'Cron (UTC)', name: 'cron', hint: 'e.g. 0 3 * * *; instead of an interval' }))),
    fieldset('Scan options', 'options',
      h('div', { class: 'grid' },
        field({ label: 'Timeout (ms)', name: 'options.timeoutMs', type: 'number' }),
        field({ label: 'Retries', name: 'options.retries', type: 'number' }),
        field({ label: 'Concurrency', name: 'options.concurrency', type: 'number' }),
        field({ label: 'Rate (probes/s)', name: 'options.rate', type: 'number' }),
        field({ label: 'No host discovery', name: 'options.noDiscovery', type: 'checkbox' }))),
    h('div', { class: 'grid' },
      field({ label: 'Baseline events after every poll', name: 'baselineEvents', type: 'checkbox' }),
      field({ label: 'Enabled', name: 'enabled', type: 'checkbox', value: true })),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', 'data-submit': 'tracker' }, 'Save tracker'),
      h('button', { type: 'reset', class: 'secondary', onclick: () => { form.elements.namedItem('id').value = ''; clearErrors(form); } }, 'New tracker')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const id = text(form, 'id');
    const body = {
      deviceId: number(form, 'deviceId'),
      name: text(form, 'name'),
      mode: text(form, 'mode'),
      ports: text(form, 'ports'),
      excludePorts: text(form, 'excludePorts'),
      engine: text(form, 'engine'),
      confirmPolls: number(form, 'confirmPolls'),
      shardSize: number(form, 'shardSize'),
      schedule: { atStartup: checked(form, 'atStartup'), everySeconds: number(form, 'everySeconds'), cron: text(form, 'cron') },
      options: {
        timeoutMs: number(form, 'options.timeoutMs'),
        retries: number(form, 'options.retries'),
        concurrency: number(form, 'options.concurrency'),
        rate: number(form, 'options.rate'),
        noDiscovery: checked(form, 'options.noDiscovery') || null,
      },
      baselineEvents: checked(form, 'baselineEvents'),
      enabled: checked(form, 'enabled'),
    };
    try {
      const saved = await api(id ? `trackers/${id}` : 'trackers', { method: id ? 'PUT' : 'POST', body });
      announce(`Tracker ${saved.name} saved.`);
      location.reload();
    } catch (error) {
      showErrors(form, error);
    }
  });
  return form;
}

function editTracker(form, t) {
  clearErrors(form);
  const set = (name, value) => {
    const control = form.elements.namedItem(name);
    if (control.type === 'checkbox') control.checked = Boolean(value);
    else control.value = value ?? '';
  };
  set('id', t.id);
  set('deviceId', t.deviceId);
  set('name', t.name);
  set('mode', t.mode);
  set('ports', t.ports);
  set('excludePorts', t.excludePorts);
  set('engine', t.engine);
  set('confirmPolls', t.confirmPolls);
  set('shardSize', t.shardSize);
  set('atStartup', t.schedule.atStartup);
  set('everySeconds', t.schedule.everySeconds);
  set('cron', t.schedule.cron);
  set('options.timeoutMs', t.options.timeoutMs);
  set('options.retries', t.options.retries);
  set('options.concurrency', t.options.concurrency);
  set('options.rate', t.options.rate);
  set('options.noDiscovery', t.options.noDiscovery);
  set('baselineEvents', t.baselineEvents);
  set('enabled', t.enabled);
  form.elements.namedItem('deviceId').focus();
  announce(`Editing tracker ${t.name}.`);
}

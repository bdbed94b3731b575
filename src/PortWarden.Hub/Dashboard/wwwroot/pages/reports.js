import { api, send, query, ApiError } from '../api.js';
import { h, replace, announce } from '../dom.js';
import { field, showErrors, clearErrors, errorSummary, text } from '../forms.js';

const formats = [
  { value: 'html', label: 'HTML' },
  { value: 'pdf', label: 'PDF' },
  { value: 'csv', label: 'CSV' },
  { value: 'json', label: 'JSON' },
];

// The auditor's report of /api/v1/reports: current baselines, the period's changes with their classification and
// change references, expected-state violations and poll coverage. The report is fetched first, so that a period the
// API refuses is marked at its field; a good one is handed to the browser as a download.
export async function render(main) {
  const devices = (await api('devices')).map(d => d.device);
  const form = h('form', { class: 'card', 'aria-label': 'Report', 'data-form': 'report', novalidate: true },
    errorSummary(),
    h('div', { class: 'grid' },
      field({
        label: 'Device', name: 'device', type: 'select', value: '',
        options: [{ value: '', label: 'All devices' }, ...devices.map(d => ({ value: d.id, label: d.name }))],
      }),
      field({ label: 'From', name: 'from', value: '-30d', hint: 'e.g. -30d, 2026-01-01, yesterday' }),
      field({ label: 'To', name: 'to', value: 'now', hint: 'e.g. now, -1d' }),
      field({ label: 'Format', name: 'format', type: 'select', value: 'html', options: formats })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Download report')));
  form.addEventListener('submit', event => {
    event.preventDefault();
    download(form);
  });
  replace(main,
    h('h1', null, 'Reports'),
    h('p', null, 'A document an auditor can take: each device\'s open ports now, every change in the period (planned or not, with its change reference), ports that break the expected state, and how many polls ran, failed and how long they took.'),
    form);
}

async function download(form) {
  clearErrors(form);
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    const params = { device: text(form, 'device'), from: text(form, 'from'), to: text(form, 'to'), format: text(form, 'format') };
    let response;
    try {
      response = await send(`reports?${query(params)}`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      // A 401 is on its way to the login page already.
      if (error.status !== 401) showErrors(form, error);
      return;
    }
    const name = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? `portwarden-report.${params.format}`;
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    announce(`Report ${name} downloaded.`);
  } finally {
    button.disabled = false;
  }
}

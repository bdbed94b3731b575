import { api } from '../api.js';
import { h, replace, section, table, announce } from '../dom.js';
import { time, ago } from '../format.js';
import { agentStatus } from '../badges.js';
import { canChange } from '../session.js';
import { field, showErrors, errorSummary, text, number } from '../forms.js';

// Agents: who polls for this hub and when each was last heard from; one-time enrolment tokens; revoking.
export async function render(main) {
  const [overview, tokens] = await Promise.all([api('overview'), api('enrollment-tokens')]);
  const agentRows = overview.agents.map(a => h('tr', { 'data-agent': a.name },
    h('th', { scope: 'row' }, a.name),
    h('td', null, a.hostName ?? ''),
    h('td', null, agentStatus(a, false)),
    h('td', null, time(a.enrolledAt)),
    h('td', null, a.lastSeenAt ? `${time(a.lastSeenAt)} (${ago(a.lastSeenAt)})` : 'never'),
    h('td', null, a.version ?? ''),
    canChange && h('td', { class: 'actions' }, a.revokedAt ? `revoked ${time(a.revokedAt)}` : h('button', {
      type: 'button', class: 'danger',
      onclick: async () => {
        if (!confirm(`Revoke agent ${a.name}? It can no longer fetch trackers or report polls; enrol it again with a new token.`)) return;
        await api(`agents/${a.id}`, { method: 'DELETE' });
        location.reload();
      },
    }, `Revoke ${a.name}`))));

  const tokenHolder = h('div', null, tokenTable(tokens));

  const result = h('div', { class: 'token-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', 'aria-label': 'New enrolment token', novalidate: true },
    errorSummary(),
    h('div', { class: 'grid' },
      field({ label: 'Note', name: 'note', hint: 'who or what the token is for' }),
      field({ label: 'Expires in (hours)', name: 'expiresInHours', type: 'number', value: 24, attrs: { min: 1 } })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create enrolment token')));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    try {
      const created = await api('enrollment-tokens', { method: 'POST', body: { note: text(form, 'note'), expiresInHours: number(form, 'expiresInHours') } });
      const command = `portwarden agent --hub ${location.origin} --token ${created.token}`;
      replace(result,
        h('p', null, `Token ${created.id} expires ${time(created.expiresAt)}. It is shown only now; it works once.`),
        h('label', { for: 'new-token' }, 'Enrolment token'),
        h('input', { id: 'new-token', class: 'secret', readonly: true, value: created.token }),
        h('label', { for: 'new-command' }, 'Command to run on the agent\'s machine'),
        h('input', { id: 'new-command', class: 'secret', readonly: true, value: command }),
        h('button', { type: 'button', class: 'secondary', onclick: () => navigator.clipboard?.writeText(command) }, 'Copy command'));
      replace(tokenHolder, tokenTable(await api('enrollment-tokens')));
      announce('Enrolment token created.');
      result.querySelector('input').focus();
    } catch (error) {
      showErrors(form, error);
    }
  });

  replace(main,
    h('h1', null, 'Agents'),
    section('Agents', table('Enrolled agents', ['Agent', 'Host', 'Status', 'Enrolled', 'Last seen', 'Version', ...(canChange ? ['Actions'] : [])], agentRows,
      { name: 'agents', hideCaption: true, empty: 'No agents yet.' })),
    canChange && section('Enrol an agent', h('p', null, 'Create a one-time token, then start the agent with it; the agent exchanges it for its own credential.'), form, result),
    section('Enrolment tokens', tokenHolder));
}

function tokenTable(tokens) {
  const now = Date.now();
  const rows = tokens.map(t => h('tr', { 'data-token': t.id },
    h('td', { class: 'num' }, t.id),
    h('td', null, t.note ?? ''),
    h('td', null, time(t.createdAt)),
    h('td', null, time(t.expiresAt)),
    h('td', null, t.usedAt ? `used ${time(t.usedAt)} by agent ${t.agentId}` : new Date(t.expiresAt).getTime() < now ? 'expired' : 'unused')));
  return table('Enrolment tokens', ['Id', 'Note', 'Created', 'Expires', 'State'], rows, { name: 'tokens', hideCaption: true, empty: 'No tokens yet.' });
}

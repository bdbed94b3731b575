import { h } from './dom.js';

/** Planned (with its reference) or unplanned, in words and colour; empty for events that are not changes. */
export function classification(e) {
  if (!e.classification) return '';
  const planned = e.classification === 'planned';
  return h('span', { class: ['badge', planned ? 'planned' : 'unplanned'], 'data-classification': e.classification },
    planned ? `planned${e.reference ? ` · ${e.reference}` : ''}` : 'unplanned');
}

export function agentStatus(agent, withName = true) {
  const kind = agent.status === 'online' ? 'ok' : agent.status === 'revoked' ? 'bad' : 'warn';
  return h('span', { class: ['badge', kind], title: agent.lastSeenAt ? `last seen ${agent.lastSeenAt}` : 'never seen' }, withName ? `${agent.name}: ${agent.status}` : agent.status);
}

export function count(value, kind) {
  return h('span', { class: ['count', value > 0 ? kind : null] }, String(value));
}

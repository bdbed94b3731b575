// How times, durations, events and classifications read on every page.
const pad = n => String(n).padStart(2, '0');

/** Local time as YYYY-MM-DD HH:MM:SS (the zone is the browser's). */
export function time(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function timeElement(iso) {
  const element = document.createElement('time');
  if (iso) element.setAttribute('datetime', iso);
  element.textContent = time(iso);
  return element;
}

export function ago(iso, now = Date.now()) {
  if (!iso) return 'never';
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60000)} min ${Math.round((ms % 60000) / 1000)} s`;
}

/** A datetime-local input's value for an ISO instant (local time, minutes). */
export function localInput(iso) {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function port(e) {
  return e.port ? `${e.port}/${e.protocol}` : '';
}

/** What an event says happened, in a few words. */
export function change(e) {
  switch (e.type) {
    case 'port-opened': return `opened${e.service ? ` (${e.service})` : ''}`;
    case 'port-closed': return 'closed';
    case 'service-changed': return `service ${e.oldService ?? '?'} → ${e.service ?? '?'}${e.process ? ` (${e.process.name})` : ''}`;
    case 'host-up': return 'host up';
    case 'host-down': return 'host down';
    default: return e.type;
  }
}

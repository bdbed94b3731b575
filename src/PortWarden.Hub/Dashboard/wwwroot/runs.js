import { api } from './api.js';
import { h, replace, announce } from './dom.js';
import { time, duration } from './format.js';
import { canChange } from './session.js';

// "Run now" and live progress: the hub records the request, the tracker's agent picks it up on its next
// refresh, reports progress while it scans (GET /api/v1/polls/running), and the poll appears in the device's
// poll history when it is recorded. Each status cell says which of these it is in (data-state) and counts
// the runs asked for here that have finished (data-runs-finished).
export class RunWatcher {
  constructor(onFinished) {
    this.onFinished = onFinished ?? (() => {});
    this.entries = new Map();
    this.timer = null;
  }

  /** Shows the status of a tracker in a cell; lastPoll is its latest recorded poll, if any. */
  watch(tracker, cell, lastPoll) {
    const entry = { tracker, cell, lastPoll, pending: null, finishedRuns: 0, progress: null };
    this.entries.set(tracker.id, entry);
    this.render(entry);
    this.schedule(0);
  }

  /** A "Run now" button for the tracker (none for a viewer). */
  button(tracker) {
    if (!canChange) return null;
    return h('button', { type: 'button', class: 'secondary', 'data-run': tracker.id, onclick: () => this.run(tracker.id) }, `Run ${tracker.name} now`);
  }

  async run(trackerId) {
    const entry = this.entries.get(trackerId);
    await api(`trackers/${trackerId}/run`, { method: 'POST' });
    entry.pending = { since: entry.lastPoll?.id ?? null };
    this.render(entry);
    announce(`Run of ${entry.tracker.name} requested; waiting for its agent.`);
    this.schedule(0);
  }

  schedule(delay) {
    clearTimeout(this.timer);
    const busy = [...this.entries.values()].some(e => e.pending || e.progress);
    this.timer = setTimeout(() => this.tick(), delay ?? (busy ? 1000 : 3000));
  }

  async tick() {
    try {
      const running = await api('polls/running');
      const progress = new Map();
      for (const poll of running) {
        const sum = progress.get(poll.trackerId) ?? { completed: 0, total: 0, startedAt: poll.startedAt };
        sum.completed += Math.min(poll.completed, poll.total);
        sum.total += poll.total;
        progress.set(poll.trackerId, sum);
      }
      for (const entry of this.entries.values()) {
        const was = entry.progress;
        entry.progress = progress.get(entry.tracker.id) ?? null;
        if (!entry.progress && (entry.pending || was)) await this.checkRecorded(entry);
        this.render(entry);
      }
    } catch (error) {
      if (error.status === 401) return;
    } finally {
      this.schedule();
    }
  }

  async checkRecorded(entry) {
    const polls = await api(`devices/${entry.tracker.deviceId}/polls?limit=20`);
    const latest = polls.find(p => p.trackerId === entry.tracker.id && !p.running);
    if (!latest || latest.id === entry.lastPoll?.id) return;
    entry.lastPoll = latest;
    if (entry.pending && latest.id !== entry.pending.since) {
      entry.pending = null;
      entry.finishedRuns += 1;
      announce(`${entry.tracker.name} finished: ${plural(latest.open, 'open port')}, ${plural(latest.changes, 'change')}.`);
    }
    this.onFinished(entry.tracker, latest);
  }

  render(entry) {
    const { cell, progress, pending, lastPoll } = entry;
    cell.dataset.runsFinished = String(entry.finishedRuns);
    if (progress) {
      cell.dataset.state = 'running';
      const percent = progress.total > 0 ? Math.round((100 * progress.completed) / progress.total) : null;
      const bar = h('progress', { max: 100, 'aria-label': `Progress of ${entry.tracker.name}` });
      if (percent !== null) bar.value = percent;
      replace(cell, bar, h('span', { class: 'progress-text' },
        percent === null ? ' starting…' : ` ${percent} % · ${progress.completed} of ${progress.total} ports`));
    } else if (pending) {
      cell.dataset.state = 'waiting';
      replace(cell, h('span', { class: 'muted' }, 'Waiting for the agent…'));
    } else if (lastPoll) {
      cell.dataset.state = 'idle';
      replace(cell, h('span', null, `Last poll ${time(lastPoll.startedAt)} · ${duration(lastPoll.durationMs)} · ${lastPoll.open} open · ${plural(lastPoll.changes, 'change')}`),
        lastPoll.error ? h('span', { class: 'error-text' }, ` · ${lastPoll.error}`) : null);
    } else {
      cell.dataset.state = 'idle';
      replace(cell, h('span', { class: 'muted' }, 'Not polled yet'));
    }
  }
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

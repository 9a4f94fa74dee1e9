// The checkpoint history (the last web.checkpoints.history checkpoints) with, for a row opened by
// a click, its per-vertex figures (GET …/checkpoints/details/:id "tasks") and each vertex's
// subtasks (GET …/checkpoints/details/:id/subtasks/:vertexid, Flink's) where the silo reports them.
import { optional } from './api.js';
import { h, stateBadge, table } from './dom.js';
import { bytes, count, duration, text, timestamp } from './format.js';

function subtaskTable(reply) {
  const subtasks = reply?.subtasks ?? [];
  if (subtasks.length === 0) return h('p', { class: 'muted' }, 'No per-subtask figures reported for this vertex.');
  return table(['Subtask', 'Status', 'Acknowledged', 'End to end', 'Checkpointed size', 'Sync', 'Async', 'Alignment'],
    subtasks.map(s => [count(s.index), text(s.status), timestamp(s.ack_timestamp), duration(s.end_to_end_duration),
      bytes(s.checkpointed_size ?? s.state_size), duration(s.checkpoint?.sync), duration(s.checkpoint?.async), duration(s.alignment?.duration)]),
    { class: 'subtasks' });
}

async function details(jobId, checkpoint, vertexNames) {
  const reply = await optional(`jobs/${jobId}/checkpoints/details/${checkpoint.id}`);
  const tasks = Object.entries(reply?.tasks ?? {});
  const lines = [h('p', {}, `${count(checkpoint.num_acknowledged_subtasks)} of ${count(checkpoint.num_subtasks)} subtasks acknowledged.`)];
  if (checkpoint.failure_message) lines.push(h('p', { class: 'error-text' }, `Failure: ${checkpoint.failure_message}`));
  if (tasks.length === 0) {
    lines.push(h('p', { class: 'muted' }, 'No per-vertex figures reported for this checkpoint.'));
    return lines;
  }
  const subtasks = await Promise.all(tasks.map(([vertexId]) => optional(`jobs/${jobId}/checkpoints/details/${checkpoint.id}/subtasks/${vertexId}`)));
  tasks.forEach(([vertexId, task], i) => lines.push(h('section', { class: 'vertex-checkpoint' },
    h('h4', {}, vertexNames.get(vertexId) ?? vertexId, ' ', stateBadge(task.status)),
    h('p', {}, `${count(task.num_acknowledged_subtasks)}/${count(task.num_subtasks)} acknowledged · latest ${timestamp(task.latest_ack_timestamp)} · `
      + `${duration(task.end_to_end_duration)} · ${bytes(task.checkpointed_size)}`),
    subtaskTable(subtasks[i]))));
  return lines;
}

/** The history table; `open` holds the ids of the rows whose details are shown, across refreshes. */
export function historyTable(jobId, history, open, vertexNames, rerender) {
  const headers = ['ID', 'Status', 'Type', 'Acknowledged', 'Trigger time', 'Latest acknowledgement', 'End to end', 'Checkpointed size', 'Path'];
  const rows = history.flatMap(checkpoint => {
    const toggle = () => {
      if (open.has(checkpoint.id)) open.delete(checkpoint.id);
      else open.set(checkpoint.id, null);
      rerender();
    };
    const row = h('tr', { class: 'clickable', 'data-checkpoint': checkpoint.id, onclick: toggle },
      h('td', {}, open.has(checkpoint.id) ? '▾ ' : '▸ ', String(checkpoint.id)),
      h('td', {}, stateBadge(checkpoint.status)),
      h('td', {}, checkpoint.is_savepoint ? 'Savepoint' : 'Checkpoint'),
      h('td', {}, `${count(checkpoint.num_acknowledged_subtasks)}/${count(checkpoint.num_subtasks)}`),
      h('td', {}, timestamp(checkpoint.trigger_timestamp)),
      h('td', {}, timestamp(checkpoint.latest_ack_timestamp)),
      h('td', {}, duration(checkpoint.end_to_end_duration)),
      h('td', {}, bytes(checkpoint.checkpointed_size)),
      h('td', { class: 'mono path' }, text(checkpoint.external_path)));
    if (!open.has(checkpoint.id)) return [row];
    const cell = h('td', { colspan: headers.length }, h('p', { class: 'muted' }, 'Loading…'));
    const cached = open.get(checkpoint.id);
    if (cached) cell.replaceChildren(...cached);
    // Finished checkpoints do not change: their details are fetched once.
    else details(jobId, checkpoint, vertexNames).then(lines => {
      if (checkpoint.status !== 'IN_PROGRESS' && open.has(checkpoint.id)) open.set(checkpoint.id, lines);
      cell.replaceChildren(...lines);
    });
    return [row, h('tr', { class: 'details' }, cell)];
  });
  return history.length === 0 ? h('p', { class: 'muted' }, 'No checkpoint has been triggered yet.') : table(headers, rows, { class: 'history' });
}

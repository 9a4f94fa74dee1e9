// The checkpoint tab as Flink's: overview counts and the latest completed, savepoint, failed and
// restored snapshot; charts of duration and size; the history; the summary; the configuration.
import { get, optional } from './api.js';
import { lineChart } from './checkpoint-charts.js';
import { historyTable } from './checkpoint-history.js';
import { facts, h, show, table } from './dom.js';
import { bytes, count, duration, text, timestamp } from './format.js';

function latest(title, checkpoint, fields) {
  return h('div', { class: 'latest', 'data-latest': title.toLowerCase() }, h('h3', {}, title),
    checkpoint ? facts(fields(checkpoint)) : h('p', { class: 'muted' }, 'None.'));
}

function overview(stats) {
  const c = stats.counts ?? {};
  return h('section', {},
    h('h2', {}, 'Overview'),
    facts([['Triggered', count(c.total)], ['In progress', count(c.in_progress)], ['Completed', count(c.completed)],
      ['Failed', count(c.failed)], ['Restored', count(c.restored)]], { class: 'facts inline counts' }),
    h('div', { class: 'latest-grid' },
      latest('Latest completed checkpoint', stats.latest?.completed, cp => [['ID', String(cp.id)], ['Completion time', timestamp(cp.latest_ack_timestamp)],
        ['End to end duration', duration(cp.end_to_end_duration)], ['Checkpointed size', bytes(cp.checkpointed_size)], ['Path', text(cp.external_path)]]),
      latest('Latest savepoint', stats.latest?.savepoint, cp => [['ID', String(cp.id)], ['Completion time', timestamp(cp.latest_ack_timestamp)],
        ['Checkpointed size', bytes(cp.checkpointed_size)], ['Path', text(cp.external_path)]]),
      latest('Latest failed checkpoint', stats.latest?.failed, cp => [['ID', String(cp.id)], ['Failure time', timestamp(cp.failure_timestamp)],
        ['Cause', text(cp.failure_message)]]),
      latest('Latest restore', stats.latest?.restored, r => [['ID', String(r.id)], ['Restore time', timestamp(r.restore_timestamp)],
        ['Type', r.is_savepoint ? 'Savepoint' : 'Checkpoint'], ['Path', text(r.external_path)]])));
}

function charts(history) {
  const completed = history.filter(cp => cp.status === 'COMPLETED').sort((a, b) => a.id - b.id);
  return h('section', { class: 'charts' },
    lineChart('End to end duration', completed.map(cp => ({ id: cp.id, value: cp.end_to_end_duration })), duration),
    lineChart('Checkpointed size', completed.map(cp => ({ id: cp.id, value: cp.checkpointed_size })), bytes));
}

function summary(stats) {
  const s = stats.summary ?? {};
  const row = (label, figures, format) => [label, format(figures?.min), format(figures?.avg), format(figures?.max)];
  return h('section', {}, h('h2', {}, 'Summary'),
    h('p', { class: 'muted' }, 'Over the completed checkpoints in the history.'),
    table(['', 'Minimum', 'Average', 'Maximum'], [
      row('End to end duration', s.end_to_end_duration, duration),
      row('Checkpointed data size', s.checkpointed_size, bytes),
      row('Full checkpoint data size', s.state_size, bytes),
    ], { class: 'summary' }));
}

function configuration(config) {
  if (!config) return h('section', {}, h('h2', {}, 'Configuration'), h('p', { class: 'muted' }, 'Checkpointing is not enabled for this job.'));
  const yesNo = value => (value ? 'Enabled' : 'Disabled');
  return h('section', {}, h('h2', {}, 'Configuration'), facts([
    ['Checkpointing mode', config.mode === 'exactly_once' ? 'Exactly once' : 'At least once'],
    ['Interval', duration(config.interval)], ['Timeout', duration(config.timeout)], ['Minimum pause', duration(config.min_pause)],
    ['Maximum concurrent checkpoints', count(config.max_concurrent)],
    ['Persist checkpoints externally', config.externalization?.enabled
      ? (config.externalization.delete_on_cancellation ? 'Enabled (delete on cancellation)' : 'Enabled (retain on cancellation)') : 'Disabled'],
    ['State backend', text(config.state_backend)], ['Checkpoint storage', text(config.checkpoint_storage)],
    ['Unaligned checkpoints', yesNo(config.unaligned_checkpoints)], ['Tolerable failed checkpoints', count(config.tolerable_failed_checkpoints)],
    ['Checkpoints after tasks finish', yesNo(config.checkpoints_after_tasks_finish)],
  ]));
}

export function checkpointsTab(content, jobId) {
  const open = new Map();
  let last = null;

  function render() {
    const { stats, config, vertexNames } = last;
    const history = stats.history ?? [];
    show(content, overview(stats), charts(history),
      h('section', {}, h('h2', {}, `History (last ${history.length})`), historyTable(jobId, history, open, vertexNames, render)),
      summary(stats), configuration(config));
  }

  /** @param job GET /jobs/:jobid, for the vertices' names */
  async function refresh(job) {
    const [stats, config] = await Promise.all([get(`jobs/${jobId}/checkpoints`), optional(`jobs/${jobId}/checkpoints/config`)]);
    last = { stats, config, vertexNames: new Map(job.vertices.map(v => [v.id, v.name])) };
    render();
  }

  return { refresh };
}

// The buttons of a running job: trigger a checkpoint, trigger a savepoint, stop with a savepoint,
// cancel. Each asks for confirmation first and reports the outcome (or the API's error) in the banner.
import { patch, post } from './api.js';
import { showError, showNotice } from './banner.js';
import { ask, selectField, textField } from './dialog.js';
import { h } from './dom.js';
import { completion } from './operations.js';

const FORMATS = [['CANONICAL', 'Canonical (portable between state backends)'], ['NATIVE', "Native (the state backend's own format)"]];

function savepointFields() {
  return [
    textField('target', 'Target directory', {
      placeholder: 'the job\'s execution.checkpointing.savepoint-dir',
      hint: 'A path or URL under the silo\'s allowed roots; empty uses the configured default.',
    }),
    selectField('format', 'Format', FORMATS),
  ];
}

/** Runs an action and shows what became of it; a failure shows the API's message only. */
async function perform(start, describe) {
  try {
    showNotice(await start());
    const outcome = await describe();
    if (outcome) showNotice(outcome);
  } catch (error) {
    showError(error.message);
  }
}

async function triggerCheckpoint(job) {
  if (!await ask({ title: 'Trigger a checkpoint', message: `Take a checkpoint of ${job.name} now?`, confirmLabel: 'Trigger checkpoint' })) return;
  let trigger;
  await perform(async () => {
    trigger = (await post(`jobs/${job.jid}/checkpoints`, {}))['request-id'];
    return `Checkpoint triggered; waiting for it to complete…`;
  }, async () => `Checkpoint ${(await completion(`jobs/${job.jid}/checkpoints/${trigger}`)).checkpointId} completed.`);
}

async function savepoint(job, stop) {
  const values = await ask({
    title: stop ? 'Stop with a savepoint' : 'Trigger a savepoint',
    message: stop
      ? `Take a savepoint of ${job.name} and then stop it? The job can be resumed from the savepoint.`
      : `Take a savepoint of ${job.name}? The job keeps running.`,
    fields: savepointFields(),
    confirmLabel: stop ? 'Stop with savepoint' : 'Trigger savepoint',
    danger: stop,
  });
  if (!values) return;
  const target = values.target.trim() || undefined;
  const body = stop
    ? { targetDirectory: target, formatType: values.format, drain: false }
    : { 'target-directory': target, formatType: values.format };
  let trigger;
  await perform(async () => {
    trigger = (await post(`jobs/${job.jid}/${stop ? 'stop' : 'savepoints'}`, body))['request-id'];
    return stop ? 'Stopping with a savepoint…' : 'Savepoint triggered; waiting for it to complete…';
  }, async () => {
    const { location } = await completion(`jobs/${job.jid}/savepoints/${trigger}`);
    return stop ? `Job stopped; savepoint completed at ${location}` : `Savepoint completed at ${location}`;
  });
}

async function cancel(job) {
  const confirmed = await ask({
    title: 'Cancel the job',
    message: `Cancel ${job.name}? Its state is kept only in the checkpoints it retains on cancellation.`,
    confirmLabel: 'Cancel job',
    danger: true,
  });
  if (!confirmed) return;
  await perform(async () => {
    await patch(`jobs/${job.jid}?mode=cancel`);
    return `Job ${job.name} is being canceled.`;
  }, async () => null);
}

/** The action bar; update(job) enables the buttons while the job runs. */
export function jobActions() {
  let job = null;
  const button = (action, label, run, kind = 'secondary') =>
    h('button', { type: 'button', class: kind, 'data-action': action, disabled: true, onclick: () => job && run(job) }, label);
  const buttons = [
    button('checkpoint', 'Trigger checkpoint', triggerCheckpoint),
    button('savepoint', 'Trigger savepoint', j => savepoint(j, false)),
    button('stop', 'Stop with savepoint', j => savepoint(j, true), 'danger'),
    button('cancel', 'Cancel job', cancel, 'danger'),
  ];
  return {
    element: h('div', { class: 'actions' }, buttons),
    update(details) {
      job = details;
      for (const b of buttons) b.disabled = details.state !== 'RUNNING';
    },
  };
}

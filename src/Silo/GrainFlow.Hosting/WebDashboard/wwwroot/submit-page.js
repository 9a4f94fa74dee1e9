// The registered job types (GET /jars, Flink's jars) and a form to run one
// (POST /jars/:jarid/run): parallelism, -D settings and a snapshot to restore from.
import { get, post } from './api.js';
import { showError, showNotice } from './banner.js';
import { h, show } from './dom.js';

/** "key=value" lines (with or without a leading -D) as Flink's program arguments; the API checks every one. */
function settingsArguments(textValue) {
  return textValue.split('\n').map(line => line.trim()).filter(line => line.length > 0)
    .map(line => (line.startsWith('-D') ? line : `-D${line}`));
}

function runForm(jar) {
  const form = h('form', { class: 'run-form', 'data-jar': jar.id },
    h('h2', {}, jar.name),
    h('p', { class: 'muted' }, jar.entry?.[0]?.description ?? ''),
    h('label', { class: 'field' }, h('span', {}, 'Parallelism'),
      h('input', { type: 'number', name: 'parallelism', min: 1, placeholder: 'parallelism.default' })),
    h('label', { class: 'field' }, h('span', {}, 'Settings (-D), one key=value per line'),
      h('textarea', { name: 'settings', rows: 4, placeholder: 'execution.checkpointing.interval=10 s\nrecords=1000000', spellcheck: 'false' })),
    h('label', { class: 'field' }, h('span', {}, 'Restore from (savepoint or checkpoint path)'),
      h('input', { type: 'text', name: 'savepointPath', placeholder: 'empty: start without state', autocomplete: 'off' })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'allowNonRestoredState' }), ' Allow state that maps to no operator'),
    h('div', { class: 'dialog-buttons' }, h('button', { type: 'submit', class: 'primary', 'data-action': 'run' }, `Run ${jar.name}`)));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const values = new FormData(form);
    const parallelism = String(values.get('parallelism') ?? '').trim();
    const savepointPath = String(values.get('savepointPath') ?? '').trim();
    const body = {
      programArgsList: settingsArguments(String(values.get('settings') ?? '')),
      parallelism: parallelism === '' ? undefined : Number(parallelism),
      savepointPath: savepointPath === '' ? undefined : savepointPath,
      allowNonRestoredState: values.get('allowNonRestoredState') === 'on' ? true : undefined,
    };
    try {
      const { jobid } = await post(`jars/${encodeURIComponent(jar.id)}/run`, body);
      showNotice(`Submitted ${jar.name} as job ${jobid}.`);
      location.hash = `#/jobs/${jobid}`;
    } catch (error) {
      showError(error.message);
    }
  });
  return form;
}

export function submitPage(main) {
  let shown = false;

  // The form is built once: refreshing it would wipe what the user is typing.
  async function refresh() {
    if (shown) return;
    const { files } = await get('jars');
    shown = true;
    show(main, h('h1', {}, 'Submit a job'),
      files.length === 0 ? h('p', { class: 'muted' }, 'No job type is registered in the silos.') : h('div', { class: 'jars' }, files.map(runForm)));
  }

  return { refresh };
}

// One job (GET /jobs/:jobid): its header, the actions, and two tabs — the vertex graph with
// records and back pressure per vertex, and the checkpoint tab.
import { get } from './api.js';
import { checkpointsTab } from './checkpoints-tab.js';
import { facts, h, show, stateBadge, table } from './dom.js';
import { count, duration, text, timestamp } from './format.js';
import { jobActions } from './job-actions.js';
import { jobGraph } from './job-graph.js';
import { backPressure, backPressureLabel, records } from './vertex-figures.js';

function header(job) {
  return [
    h('h1', {}, job.name, ' ', stateBadge(job.state)),
    facts([
      ['Job id', h('span', { class: 'mono' }, job.jid)],
      ['Start time', timestamp(job['start-time'])],
      ['End time', timestamp(job['end-time'])],
      ['Duration', duration(job.duration)],
      ['Max parallelism', count(job.maxParallelism)],
    ], { class: 'facts inline' }),
  ];
}

function overviewTab(job, pressure) {
  const byId = new Map(job.vertices.map(vertex => [vertex.id, vertex]));
  const describe = id => {
    const vertex = byId.get(id) ?? { name: id, parallelism: '–' };
    const figures = records(vertex);
    return { name: vertex.name, parallelism: vertex.parallelism, recordsIn: figures.in, recordsOut: figures.out, pressure: pressure.get(id) };
  };
  const rows = job.vertices.map(vertex => {
    const figures = records(vertex);
    return h('tr', { 'data-vertex': vertex.id },
      h('td', {}, vertex.name), h('td', {}, stateBadge(vertex.status)), h('td', { class: 'number' }, count(vertex.parallelism)),
      h('td', { class: 'number' }, figures.in), h('td', { class: 'number' }, figures.out),
      h('td', {}, backPressureLabel(pressure.get(vertex.id))), h('td', {}, duration(vertex.duration)));
  });
  return [
    h('div', { class: 'graph-frame' }, jobGraph(job.plan?.nodes ?? [], describe)),
    table(['Vertex', 'Status', 'Parallelism', 'Records received', 'Records sent', 'Back pressure', 'Duration'], rows, { class: 'vertices' }),
  ];
}

export function jobPage(main, { jobId, tab }) {
  const actions = jobActions();
  const top = h('div', { class: 'job-header' });
  const content = h('div', { class: 'tab-content' });
  const checkpoints = tab === 'checkpoints' ? checkpointsTab(content, jobId) : null;
  const tabLink = (name, label, href) => h('a', { href, class: tab === name ? 'tab active' : 'tab', 'data-tab': name }, label);
  show(main,
    h('p', {}, h('a', { href: '#/' }, '← All jobs')),
    top,
    actions.element,
    h('nav', { class: 'tabs' }, tabLink('overview', 'Overview', `#/jobs/${jobId}`), tabLink('checkpoints', 'Checkpoints', `#/jobs/${jobId}/checkpoints`)),
    content);

  async function refresh() {
    const job = await get(`jobs/${jobId}`);
    show(top, header(job));
    actions.update(job);
    if (checkpoints) {
      await checkpoints.refresh(job);
    } else {
      const pressure = await backPressure(jobId, job.vertices, job.state === 'RUNNING');
      show(content, overviewTab(job, pressure));
    }
    document.title = `${text(job.name)} · GrainFlow`;
  }

  return { refresh };
}

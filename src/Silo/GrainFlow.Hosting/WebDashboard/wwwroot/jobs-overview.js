// The jobs overview (Flink's "Running Jobs" and "Completed Jobs"): GET /jobs/overview, with each
// job's parallelism from GET /jobs/:jobid (asked once per job: a job keeps its parallelism).
import { get } from './api.js';
import { h, show, stateBadge, table } from './dom.js';
import { count, duration, text, timestamp } from './format.js';

const COMPLETED = new Set(['FINISHED', 'FAILED', 'CANCELED']);

export function jobsOverviewPage(main) {
  const parallelism = new Map();

  async function parallelismOf(jid) {
    if (!parallelism.has(jid)) {
      const details = await get(`jobs/${jid}`);
      parallelism.set(jid, Math.max(0, ...details.vertices.map(v => v.parallelism)));
    }
    return parallelism.get(jid);
  }

  function row(job) {
    return h('tr', { 'data-job': job.jid },
      h('td', {}, h('a', { href: `#/jobs/${job.jid}` }, job.name)),
      h('td', { class: 'mono' }, job.jid),
      h('td', {}, stateBadge(job.state)),
      h('td', {}, timestamp(job['start-time'])),
      h('td', {}, timestamp(job['end-time'])),
      h('td', {}, duration(job.duration)),
      h('td', { class: 'number' }, count(parallelism.get(job.jid))),
      h('td', { class: 'number' }, count(job.tasks?.total)));
  }

  function section(title, jobs, empty) {
    const headers = ['Job name', 'Job id', 'Status', 'Start time', 'End time', 'Duration', 'Parallelism', 'Tasks'];
    return h('section', {}, h('h2', {}, `${title} (${jobs.length})`),
      jobs.length === 0 ? h('p', { class: 'muted' }, empty) : table(headers, jobs.map(row), { class: 'jobs' }));
  }

  async function refresh() {
    const { jobs } = await get('jobs/overview');
    await Promise.all(jobs.map(job => parallelismOf(job.jid).catch(() => null)));
    jobs.sort((a, b) => b['start-time'] - a['start-time']);
    const running = jobs.filter(job => !COMPLETED.has(job.state));
    const completed = jobs.filter(job => COMPLETED.has(job.state));
    show(main,
      h('h1', {}, 'Jobs'),
      section('Running jobs', running, 'No job is running. Start one from "Submit a job".'),
      section('Completed jobs', completed, 'No job has finished, failed or been canceled yet.'),
      h('p', { class: 'muted' }, `Tasks: ${text(jobs.reduce((sum, job) => sum + (job.tasks?.total ?? 0), 0))} subtasks in ${jobs.length} jobs.`));
  }

  return { refresh };
}

// The dashboard's entry: routes #/, #/jobs/:jobid[/checkpoints] and #/submit to their pages and
// refreshes the page shown every two seconds.
import { optional } from './api.js';
import { installBanner, showError } from './banner.js';
import { jobPage } from './job-page.js';
import { jobsOverviewPage } from './jobs-overview.js';
import { submitPage } from './submit-page.js';
import { installTokenPrompt } from './token.js';

const REFRESH_INTERVAL_MS = 2000;

let current = null;

function route(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'jobs' && parts[1]) return { page: jobPage, params: { jobId: parts[1], tab: parts[2] === 'checkpoints' ? 'checkpoints' : 'overview' }, nav: 'jobs' };
  if (parts[0] === 'submit') return { page: submitPage, params: {}, nav: 'submit' };
  return { page: jobsOverviewPage, params: {}, nav: 'jobs' };
}

function navigate() {
  const { page, params, nav } = route(location.hash);
  for (const link of document.querySelectorAll('[data-nav]')) link.classList.toggle('active', link.dataset.nav === nav);
  // Each page draws into its own element: a refresh of the page left behind that is still under way draws into nothing.
  const container = document.createElement('div');
  document.getElementById('main').replaceChildren(container);
  const view = { page: page(container, params), timer: null, stopped: false };
  if (current) {
    current.stopped = true;
    clearTimeout(current.timer);
  }
  current = view;
  const tick = async () => {
    try {
      await view.page.refresh();
    } catch (error) {
      // A refresh that failed (the silo restarting, a job that is gone) says so and tries again.
      if (!view.stopped) showError(error.message);
    }
    if (!view.stopped) view.timer = setTimeout(tick, REFRESH_INTERVAL_MS);
  };
  tick();
}

async function offerOrleansDashboard() {
  // Served only when grainflow.orleans-dashboard.enabled is true.
  if (await optional('orleans-dashboard/version')) document.getElementById('orleans-link').hidden = false;
}

installBanner();
installTokenPrompt();
window.addEventListener('hashchange', navigate);
navigate();
offerOrleansDashboard();

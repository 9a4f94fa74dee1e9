// The one place results and failures of actions are shown: a line under the top bar.

const banner = () => document.getElementById('banner');

function showBanner(kind, message) {
  const element = banner();
  element.className = `banner ${kind}`;
  document.getElementById('banner-text').textContent = message;
  element.hidden = false;
}

/** An action's failure: only the API's message, never a stack trace. */
export function showError(message) {
  showBanner('error', message);
}

export function showNotice(message) {
  showBanner('notice', message);
}

export function hideBanner() {
  banner().hidden = true;
}

export function installBanner() {
  document.getElementById('banner-close').addEventListener('click', hideBanner);
}

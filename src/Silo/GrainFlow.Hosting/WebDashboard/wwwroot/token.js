// With grainflow.rest.token set, the API refuses calls without it: the page asks for it once per
// browser session and sends it as a bearer token from then on (see api.js).
import { storeToken, whenTokenNeeded } from './api.js';
import { ask, textField } from './dialog.js';

async function askForToken(reason) {
  const values = await ask({
    title: 'This silo requires a token',
    message: `${reason} Enter the silo's grainflow.rest.token; it is kept for this browser tab only.`,
    fields: [textField('token', 'Token', { type: 'password' })],
    confirmLabel: 'Use token',
  });
  const token = values?.token?.trim() ?? '';
  storeToken(token);
  return token.length > 0;
}

export function installTokenPrompt() {
  whenTokenNeeded(askForToken);
}

// Every call the dashboard makes goes through here: the REST API on the page's own origin, with
// the bearer token when the silo asks for one, and failures as the API's own error message.

const TOKEN_KEY = 'grainflow.rest.token';

/** A failed call: the HTTP status (0 when the silo did not answer) and the API's message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let askForToken = null;
let pendingAsk = null;

/** Called with the API's 401 message; resolves true once the user gave a token, false when they declined (see token.js). */
export function whenTokenNeeded(ask) {
  askForToken = ask;
}

export function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// Flink's error shape is {"errors": ["…"]}; anything else is described by its status alone.
function messageOf(status, body, statusText) {
  if (body && Array.isArray(body.errors) && body.errors.length > 0) return body.errors.join(' ');
  return `The request failed (${status}${statusText ? ` ${statusText}` : ''}).`;
}

/** Sends one request; a JSON body, when given, goes as application/json as the API requires. */
export async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = storedToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'The silo did not answer. Is it still running?');
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (response.status === 401 && askForToken) {
    // One prompt for all the calls that were refused at the same time; each is then sent again.
    const message = messageOf(401, json);
    pendingAsk ??= askForToken(message).finally(() => { pendingAsk = null; });
    if (!await pendingAsk) throw new ApiError(401, message);
    return request(method, path, body);
  }
  if (!response.ok) throw new ApiError(response.status, messageOf(response.status, json, response.statusText));
  return json;
}

export const get = path => request('GET', path);

export const post = (path, body = {}) => request('POST', path, body);

export const patch = path => request('PATCH', path);

/** A figure the API may not offer (an older silo, a vertex without samples): null instead of an error. */
export async function optional(path) {
  try {
    return await get(path);
  } catch (error) {
    if (error instanceof ApiError && error.status !== 401) return null;
    throw error;
  }
}

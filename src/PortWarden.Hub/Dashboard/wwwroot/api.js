// Calls the hub's /api/v1 JSON API with the page's session cookie; calls that change something carry the
// anti-forgery token the page was served with.
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

/** A refused call: status and the API's problem details (title, detail, errors by field). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `The hub answered ${status}.`);
    this.status = status;
    this.problem = problem;
    this.errors = problem?.errors ?? null;
  }
}

export async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-TOKEN'] = csrfToken;
  const response = await send(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return parse(await response.text());
}

/**
 * Calls /api/v1/PATH with the session and answers the response when it is a success: a 401 sends the browser to log
 * in again and come back here; any other refusal throws an ApiError with the API's problem details.
 */
export async function send(path, init = {}) {
  const response = await fetch(`/api/v1/${path}`, { ...init, credentials: 'same-origin' });
  if (response.status === 401) {
    location.assign(`/login?ReturnUrl=${encodeURIComponent(location.pathname + location.search)}`);
    throw new ApiError(401, { title: 'Your session has ended.' });
  }
  if (!response.ok) throw new ApiError(response.status, parse(await response.text()));
  return response;
}

function parse(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return { title: text };
  }
}

/** Query text from an object, leaving out empty values; arrays become repeated keys. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null && item !== undefined && item !== '') search.append(key, item);
    }
  }
  return search.toString();
}

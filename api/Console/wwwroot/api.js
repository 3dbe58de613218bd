// Calls to the gateway's JSON APIs with the console session: the browser sends the HttpOnly cookie by itself;
// every call carries the session's CSRF token, which the gateway requires on changes.

let csrfToken = '';

export function setCsrfToken(token) { csrfToken = token || ''; }

/** An error answer from the gateway, with the message of whichever API family answered. */
export class ApiError extends Error {
  constructor(status, message, body) { super(message); this.status = status; this.body = body; }
}

/** The human message of an error body in any of the gateway's shapes (admin, adminapi, OpenAI, backend, platform). */
export function messageOf(body, status) {
  if (body && typeof body === 'object') {
    const m = body.message ?? body.msg ?? body.detail?.message ?? body.error?.message ?? body.data?.message
      ?? (typeof body.detail === 'string' ? body.detail : undefined);
    if (m) return String(m);
  }
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 300);
  return `The gateway answered ${status}.`;
}

/**
 * api(method, path, body): JSON in, JSON out. body may be a plain object (sent as JSON) or FormData.
 * Resolves with the parsed body of a success; rejects with ApiError (status, message) otherwise. A platform
 * (*.dspy) answer of {"status":"error"} is an error too, whatever its HTTP status.
 */
export async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let payload;
  if (body instanceof FormData || body instanceof URLSearchParams) {
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'The gateway could not be reached: ' + e.message);
  }
  const text = await response.text();
  let data = text;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON: keep the text */ }
  if (!response.ok || (data && typeof data === 'object' && data.status === 'error')) {
    const error = new ApiError(response.status, messageOf(data, response.status), data);
    if (response.status === 401 && path !== '/console/session') window.dispatchEvent(new CustomEvent('console:signed-out'));
    throw error;
  }
  return data;
}

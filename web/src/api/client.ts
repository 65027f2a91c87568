// The typed API client: openapi-fetch over the generated paths, with the session cookie (same origin), the
// CSRF token on every change, and one place that notices an ended session.
import createClient, { type Middleware } from 'openapi-fetch';
import { toApiError } from './problem';
import type { paths } from './schema';

let csrfToken: string | null = null;
const sessionEndedListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request comes back 401: the session expired or was ended elsewhere. */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const session: Middleware = {
  onRequest({ request }) {
    if (MUTATING.has(request.method) && csrfToken !== null) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.endsWith('/api/v1/auth/login')) for (const l of sessionEndedListeners) l();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(session);

/** The data of a call, or its problem thrown as an ApiError. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw toApiError(error, response);
  return data as T;
}

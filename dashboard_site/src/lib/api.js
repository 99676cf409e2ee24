// A thin fetch wrapper for the gateway API: merchant credentials on every call, and
// every refusal turned into an ApiError carrying the API's own description.

export class ApiError extends Error {
  constructor(status, code, description) {
    super(description);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

async function readJson(response) {
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function newIdempotencyKey() {
  return globalThis.crypto.randomUUID();
}

/**
 * @param {{baseUrl: string, credentials?: {api_key: string, api_secret: string} | null,
 *          onUnauthorized?: () => void, fetchImpl?: typeof fetch}} options
 */
export function createApiClient({ baseUrl, credentials = null, onUnauthorized, fetchImpl = globalThis.fetch }) {
  async function request(method, path, { body, idempotencyKey } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (credentials) {
      headers['X-Api-Key'] = credentials.api_key;
      headers['X-Api-Secret'] = credentials.api_secret;
    }
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;

    let response;
    try {
      response = await fetchImpl(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR', `Could not reach the gateway API at ${baseUrl}`);
    }
    const payload = await readJson(response);
    if (response.ok) return payload;

    const error = payload?.error ?? {};
    const apiError = new ApiError(
      response.status,
      error.code ?? 'HTTP_ERROR',
      error.description ?? `The API answered ${response.status}`,
    );
    // Stored credentials that stop working (secret rotated elsewhere) end the session.
    if (response.status === 401 && credentials && onUnauthorized) onUnauthorized(apiError);
    throw apiError;
  }

  return {
    get: (path) => request('GET', path),
    post: (path, body, options = {}) => request('POST', path, { body: body ?? {}, ...options }),
    put: (path, body) => request('PUT', path, { body }),
  };
}

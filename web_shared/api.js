// The one fetch wrapper of the front ends: JSON in and out, optional merchant credentials, and
// every refusal turned into an ApiError carrying the API's own code, description and request id.

export class ApiError extends Error {
  constructor(status, code, description, requestId = null) {
    super(description);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
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

/**
 * `credentials`: a dashboard session (`{token}`, sent as `Authorization: Bearer`) or a key pair.
 * @param {{baseUrl: string, credentials?: {token: string} | {api_key: string, api_secret: string} | null,
 *          onUnauthorized?: (error: ApiError) => void, unreachableMessage?: string,
 *          fetchImpl?: typeof fetch}} options
 */
export function createApiClient({
  baseUrl,
  credentials = null,
  onUnauthorized,
  unreachableMessage = `Could not reach the gateway API at ${baseUrl}`,
  fetchImpl = globalThis.fetch,
}) {
  async function request(method, path, { body, idempotencyKey } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (credentials?.token) {
      headers.Authorization = `Bearer ${credentials.token}`;
    } else if (credentials) {
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
      throw new ApiError(0, 'NETWORK_ERROR', unreachableMessage);
    }
    const payload = await readJson(response);
    if (response.ok) return payload;

    const error = payload?.error ?? {};
    const apiError = new ApiError(
      response.status,
      error.code ?? 'HTTP_ERROR',
      error.description ?? `Unexpected answer from the server (HTTP ${response.status})`,
      error.request_id ?? response.headers?.get?.('Request-Id') ?? null,
    );
    // Stored credentials that stop working (logged out elsewhere, password changed, expired) end the session.
    if (response.status === 401 && credentials && onUnauthorized) onUnauthorized(apiError);
    throw apiError;
  }

  return {
    get: (path) => request('GET', path),
    post: (path, body, options = {}) => request('POST', path, { body: body ?? {}, ...options }),
    put: (path, body) => request('PUT', path, { body }),
  };
}

export function newIdempotencyKey() {
  return globalThis.crypto.randomUUID();
}

/**
 * The public (credential-free) API routes the checkout page uses (SPEC §3).
 * Errors arrive as {"error": {"code", "description"}}; they surface as ApiError with the description.
 */

const DEFAULT_API_URL = 'http://localhost:8000';

export class ApiError extends Error {
  constructor(status, code, description) {
    super(description);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** The API base URL from /config.js (served next to the page), else the local stack's API. */
export function apiBaseUrl(config) {
  const url = config && typeof config.apiUrl === 'string' && config.apiUrl ? config.apiUrl : DEFAULT_API_URL;
  return url.replace(/\/+$/, '');
}

export function createApiClient(baseUrl, fetchImpl = globalThis.fetch.bind(globalThis)) {
  async function request(method, path, body) {
    let response;
    try {
      response = await fetchImpl(`${baseUrl}${path}`, {
        method,
        headers: body ? { 'Content-Type': 'application/json' } : undefined,
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch {
      throw new ApiError(0, 'NETWORK_ERROR', 'Could not reach the payment server. Check your connection and try again.');
    }
    const payload = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (payload && payload.error) || {};
      throw new ApiError(
        response.status,
        error.code || 'INTERNAL_SERVER_ERROR',
        error.description || `Unexpected response from the payment server (HTTP ${response.status})`,
      );
    }
    return payload;
  }

  return {
    getOrder: (orderId) => request('GET', `/api/v1/orders/${encodeURIComponent(orderId)}/public`),
    createPayment: (body) => request('POST', '/api/v1/payments/public', body),
    getPayment: (paymentId) => request('GET', `/api/v1/payments/${encodeURIComponent(paymentId)}/public`),
  };
}

/** The public (credential-free) API routes the checkout page uses (openapi.yaml: the routes with `security: []`), on the shared client. */
import { createApiClient } from '../../../web_shared/api.js';

const UNREACHABLE = 'Could not reach the payment server. Check your connection and try again.';

export function createCheckoutApi(baseUrl, fetchImpl = globalThis.fetch.bind(globalThis)) {
  const api = createApiClient({ baseUrl, unreachableMessage: UNREACHABLE, fetchImpl });
  return {
    getOrder: (orderId) => api.get(`/api/v1/orders/${encodeURIComponent(orderId)}/public`),
    createPayment: (body) => api.post('/api/v1/payments/public', body),
    getPayment: (paymentId) => api.get(`/api/v1/payments/${encodeURIComponent(paymentId)}/public`),
    getPaymentLink: (linkId) => api.get(`/api/v1/payment_links/${encodeURIComponent(linkId)}/public`),
    getTestMerchant: () => api.get('/api/v1/test/merchant'),
  };
}

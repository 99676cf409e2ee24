/**
 * What the hosted page offers once a payment is over: the way back to the merchant (a payment link's
 * return_url, read from the gateway, never from the page's URL) or, without one, what the shopper can do.
 */

/** The link's return_url with the signed result as query parameters; null when there is no way back. */
export function returnHref(link, payment) {
  if (!link || !link.return_url) return null;
  let url;
  try {
    url = new URL(link.return_url);
  } catch {
    return null;
  }
  // The gateway accepts only https (http to localhost locally); anything else is never a link here.
  if (!/^https?:$/.test(url.protocol)) return null;
  if (payment && payment.status === 'success') {
    url.searchParams.set('payment_id', payment.id);
    url.searchParams.set('order_id', payment.order_id);
    url.searchParams.set('payment_link_id', link.id);
    if (payment.signature) url.searchParams.set('signature', payment.signature);
  }
  return url.href;
}

/** The sentence under a result: where to go next (a failure that can be retried says nothing was taken). */
export function nextStep({ embedded, hasReturn, merchantName, canRetry = false }) {
  if (canRetry) return 'Nothing was charged. You can try again.';
  if (embedded) return '';
  if (hasReturn) return `Continue to ${merchantName || 'the merchant'} to finish.`;
  return 'You can close this page.';
}

/** A payment link that takes no payment, and why; null for an open link. */
export function closedLinkMessage(link, merchantName) {
  const who = merchantName || 'the merchant';
  if (link.status === 'expired') {
    return {
      title: 'This payment link has expired',
      message: `It no longer takes payments. Ask ${who} for a new link.`,
    };
  }
  if (link.status === 'cancelled') {
    return {
      title: 'This payment link was cancelled',
      message: `It no longer takes payments. Ask ${who} if you still need to pay.`,
    };
  }
  return null;
}

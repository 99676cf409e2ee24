// The body of POST /api/v1/payment_links from the dashboard's form: optional fields left out when empty.

/** `expireLocal` is a datetime-local value ("2026-12-31T18:30"), read in the browser's time zone. */
export function paymentLinkRequest({ paise, description = '', returnUrl = '', expireLocal = '' }) {
  const body = { amount: paise };
  if (description.trim()) body.description = description.trim();
  if (returnUrl.trim()) body.return_url = returnUrl.trim();
  if (expireLocal) {
    const moment = new Date(expireLocal);
    if (!Number.isNaN(moment.getTime())) body.expire_by = moment.toISOString();
  }
  return body;
}

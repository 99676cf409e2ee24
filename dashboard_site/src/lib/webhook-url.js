/** An empty URL disables webhooks; anything else must be an absolute http(s) URL. */
export function validateWebhookUrl(value) {
  const text = String(value ?? '').trim();
  if (text === '') return { ok: true, url: '' };
  let url;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, error: 'Enter a full URL starting with http:// or https://' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: 'The webhook URL must use http or https' };
  }
  if (!url.hostname) return { ok: false, error: 'The webhook URL needs a host name' };
  return { ok: true, url: text };
}

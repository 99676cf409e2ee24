// Verify a payment-gateway webhook before trusting it (Node 18+, no dependencies).
// Always verify the RAW body bytes: with Express use express.raw(), not express.json().
const crypto = require('node:crypto');

// Reject Standard Webhooks deliveries whose timestamp is further than this from our clock,
// so a captured request cannot be replayed later.
const TOLERANCE_SECONDS = 5 * 60;

function safeEqual(a, b) {
  const left = Buffer.from(String(a));
  const right = Buffer.from(String(b));
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

// X-Webhook-Signature: lowercase hex HMAC-SHA256 of the raw body, keyed with the secret string.
function verifySignature(rawBody, signatureHex, secret) {
  const expected = crypto.createHmac('sha256', secret).update(rawBody).digest('hex');
  return safeEqual(expected, String(signatureHex || '').trim().toLowerCase());
}

// Standard Webhooks: webhook-signature holds space-separated "v1,<base64>" signatures of
// "<webhook-id>.<webhook-timestamp>.<body>"; the key is the base64 part after "whsec_".
// Several signatures appear while a secret is being rotated: one valid signature is enough.
function verifyStandardWebhook(rawBody, headers, secret, now = Date.now() / 1000) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !/^\d+$/.test(timestamp || '') || !signatures) return false;
  if (Math.abs(now - Number(timestamp)) > TOLERANCE_SECONDS) return false;

  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = crypto
    .createHmac('sha256', key)
    .update(`${id}.${timestamp}.`)
    .update(rawBody)
    .digest('base64');
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    return version === 'v1' && safeEqual(signature || '', expected);
  });
}

// Accept a delivery only when both signatures check out. headers: lower-case names (Node's req.headers).
function verifyWebhook(rawBody, headers, secret) {
  return (
    verifySignature(rawBody, headers['x-webhook-signature'], secret) &&
    verifyStandardWebhook(rawBody, headers, secret)
  );
}

module.exports = { verifySignature, verifyStandardWebhook, verifyWebhook };

/* Express:
const express = require('express');
const app = express();
app.post('/webhook', express.raw({ type: 'application/json' }), (req, res) => {
  if (!verifyWebhook(req.body, req.headers, process.env.WEBHOOK_SECRET)) {
    return res.status(401).send('Invalid signature');
  }
  const event = JSON.parse(req.body.toString('utf8'));
  res.status(200).send('OK'); // answer within 5 s; do slow work after responding
  handleEvent(event);
});
*/

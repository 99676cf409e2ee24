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
  return safeEqual(
    expected,
    String(signatureHex || '')
      .trim()
      .toLowerCase(),
  );
}

// The Standard Webhooks key: the base64-decoded part after "whsec_" (null if it is not base64).
function standardWebhooksKey(secret) {
  const encoded = String(secret).startsWith('whsec_') ? secret.slice('whsec_'.length) : '';
  if (!encoded || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return null;
  return Buffer.from(encoded, 'base64');
}

// Standard Webhooks: webhook-signature holds space-separated "v1,<base64>" signatures of
// "<webhook-id>.<webhook-timestamp>.<body>". Several appear while a secret is being rotated:
// one valid signature is enough.
function verifyStandardWebhook(rawBody, headers, secret, now = Date.now() / 1000) {
  const key = standardWebhooksKey(secret);
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!key || !id || !/^\d+$/.test(timestamp || '') || !signatures) return false;
  if (Math.abs(now - Number(timestamp)) > TOLERANCE_SECONDS) return false;

  const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest('base64');
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    return version === 'v1' && safeEqual(signature || '', expected);
  });
}

// Accept a delivery signed by any of your secrets: pass one, or during a rotation both the new and
// the old one. For 24 h after "Regenerate", webhook-signature carries a signature by each of them,
// but X-Webhook-Signature (hex) is made with the new secret only.
// The timestamped Standard Webhooks signature decides whenever one of the secrets is a
// whsec_<base64> secret (every generated one is): it survives a rotation and stops replays, and a
// delivery stripped of it is refused. The hex X-Webhook-Signature is the fallback for a legacy
// secret that is not base64 (like the test merchant's), which has no Standard Webhooks key.
// headers: lower-case names, as in Node's req.headers.
function verifyWebhook(rawBody, headers, secrets) {
  const candidates = [].concat(secrets);
  if (candidates.some((secret) => standardWebhooksKey(secret) !== null)) {
    return candidates.some((secret) => verifyStandardWebhook(rawBody, headers, secret));
  }
  return candidates.some((secret) => verifySignature(rawBody, headers['x-webhook-signature'], secret));
}

module.exports = { verifySignature, verifyStandardWebhook, verifyWebhook };

/* Express:
const express = require('express');
const app = express();
app.post('/webhook', express.raw({ type: 'application/json' }), (req, res) => {
  // WEBHOOK_SECRETS="whsec_new whsec_old" while rotating, a single secret otherwise
  const secrets = process.env.WEBHOOK_SECRETS.split(' ');
  if (!verifyWebhook(req.body, req.headers, secrets)) {
    return res.status(401).send('Invalid signature');
  }
  const event = JSON.parse(req.body.toString('utf8'));
  res.status(200).send('OK'); // answer within 5 s; do slow work after responding
  handleEvent(event);
});
*/

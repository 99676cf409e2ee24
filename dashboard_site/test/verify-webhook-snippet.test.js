import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const { verifySignature, verifyStandardWebhook, verifyWebhook } = require('../snippets/verify-webhook.cjs');

// The published Standard Webhooks test vector (standard-webhooks spec and libraries).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  body: Buffer.from('{"test": 2432232314}'),
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const ROTATED_IN_SECRET = 'whsec_dGhlIG5ldyBzZWNyZXQgYWZ0ZXIgcm90YXRpb24=';
const UNRELATED_SECRET = 'whsec_c29tZWJvZHkgZWxzZXMgc2VjcmV0';
const DELIVERY = Buffer.from('{"event":"payment.success","timestamp":1700000000,"data":{"payment":{"id":"pay_1"}}}');

// Signed the way the gateway signs (secrets newest first); the algorithm itself is pinned by VECTOR.
function gatewayHeaders(secrets, timestamp) {
  const standard = secrets.map((secret) => {
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    return `v1,${crypto.createHmac('sha256', key).update(`msg_1.${timestamp}.`).update(DELIVERY).digest('base64')}`;
  });
  return {
    'x-webhook-signature': crypto.createHmac('sha256', secrets[0]).update(DELIVERY).digest('hex'),
    'webhook-id': 'msg_1',
    'webhook-timestamp': timestamp,
    'webhook-signature': standard.join(' '),
  };
}

function vectorHeaders(signature = VECTOR.signature) {
  return { 'webhook-id': VECTOR.id, 'webhook-timestamp': VECTOR.timestamp, 'webhook-signature': signature };
}

describe('Node verification snippet shown on the docs page', () => {
  it('accepts the Standard Webhooks test vector', () => {
    assert.equal(verifyStandardWebhook(VECTOR.body, vectorHeaders(), VECTOR.secret, 1614265330), true);
  });

  it('accepts when any of several rotation signatures matches', () => {
    const headers = vectorHeaders(`v1,bm9wZQ== ${VECTOR.signature}`);
    assert.equal(verifyStandardWebhook(VECTOR.body, headers, VECTOR.secret, 1614265330), true);
  });

  it('rejects a tampered body, an old timestamp and a foreign version tag', () => {
    assert.equal(verifyStandardWebhook(Buffer.from('{"test": 1}'), vectorHeaders(), VECTOR.secret, 1614265330), false);
    assert.equal(verifyStandardWebhook(VECTOR.body, vectorHeaders(), VECTOR.secret, 1614265330 + 301), false);
    const v2 = vectorHeaders(VECTOR.signature.replace('v1,', 'v2,'));
    assert.equal(verifyStandardWebhook(VECTOR.body, v2, VECTOR.secret, 1614265330), false);
  });

  it('checks the hex X-Webhook-Signature keyed with the secret string', () => {
    const body = Buffer.from('{"event":"webhook.test","timestamp":1700000000,"data":{}}');
    const hex = crypto.createHmac('sha256', 'whsec_test_abc123').update(body).digest('hex');
    assert.equal(verifySignature(body, hex, 'whsec_test_abc123'), true);
    assert.equal(verifySignature(body, hex, 'whsec_other'), false);
    assert.equal(verifySignature(body, undefined, 'whsec_test_abc123'), false);
  });

  it('lets the Standard Webhooks signature decide for a generated secret', () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = gatewayHeaders([VECTOR.secret], timestamp);
    assert.equal(verifyWebhook(DELIVERY, headers, VECTOR.secret), true);
    assert.equal(verifyWebhook(DELIVERY, { ...headers, 'x-webhook-signature': 'deadbeef' }, VECTOR.secret), true);
    assert.equal(verifyWebhook(DELIVERY, { ...headers, 'webhook-signature': 'v1,bm9wZQ==' }, VECTOR.secret), false);
    const stripped = { 'x-webhook-signature': headers['x-webhook-signature'] };
    assert.equal(verifyWebhook(DELIVERY, stripped, VECTOR.secret), false);
  });

  it('accepts a delivery during a rotation with the old secret, the new one or both', () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = gatewayHeaders([ROTATED_IN_SECRET, VECTOR.secret], timestamp);
    // The hex signature is made with the new secret only: a hex-only verifier with the old one fails.
    assert.equal(verifySignature(DELIVERY, headers['x-webhook-signature'], VECTOR.secret), false);
    assert.equal(verifyWebhook(DELIVERY, headers, VECTOR.secret), true);
    assert.equal(verifyWebhook(DELIVERY, headers, ROTATED_IN_SECRET), true);
    assert.equal(verifyWebhook(DELIVERY, headers, [ROTATED_IN_SECRET, VECTOR.secret]), true);
    assert.equal(verifyWebhook(DELIVERY, headers, [UNRELATED_SECRET]), false);
  });
});

describe('Node verification snippet with a legacy (non-base64) secret', () => {
  it('accepts the hex signature alone, since no Standard Webhooks signature can be made', () => {
    const body = Buffer.from('{"event":"webhook.test"}');
    const hex = crypto.createHmac('sha256', 'whsec_test_abc123').update(body).digest('hex');
    assert.equal(verifyWebhook(body, { 'x-webhook-signature': hex }, 'whsec_test_abc123'), true);
    assert.equal(verifyWebhook(body, { 'x-webhook-signature': 'beef' }, 'whsec_test_abc123'), false);
  });
});

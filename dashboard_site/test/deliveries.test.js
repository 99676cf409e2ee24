import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeNetworkError,
  displayedHeaders,
  observedRetryMode,
  pipelineHealth,
  prettyPayload,
  retryNote,
} from '../src/lib/deliveries.js';

describe('describeNetworkError', () => {
  it('puts the worker exception names into plain words', () => {
    assert.equal(describeNetworkError(null, 'Request failed: NewConnectionError'), 'connection refused');
    assert.equal(describeNetworkError(null, 'Request failed: ReadTimeoutError'), 'no answer within 5 s (timed out)');
    assert.equal(describeNetworkError(null, 'Request failed: NameResolutionError'), 'host name not found');
    assert.equal(describeNetworkError(null, 'Request failed: SomethingNew'), 'could not connect');
  });

  it('says nothing when the receiver answered', () => {
    assert.equal(describeNetworkError(500, 'Internal error'), null);
    assert.equal(describeNetworkError(null, ''), null);
  });
});

describe('retryNote', () => {
  it('tells which attempt comes next and when', () => {
    const note = retryNote({ status: 'pending', attempts: 1, next_retry_at: '2026-01-15T14:05:10Z' });
    assert.match(note, /^Retrying - attempt 2 of 5 at \d\d:\d\d:\d\d$/);
  });

  it('is silent for a first attempt still queued and for final deliveries', () => {
    assert.equal(retryNote({ status: 'pending', attempts: 0, next_retry_at: null }), null);
    assert.equal(retryNote({ status: 'failed', attempts: 5, next_retry_at: null }), null);
  });
});

describe('observedRetryMode', () => {
  const waiting = (seconds) => ({
    status: 'pending',
    attempts: 1,
    last_attempt_at: '2026-01-15T14:00:00Z',
    next_retry_at: new Date(Date.parse('2026-01-15T14:00:00Z') + seconds * 1000).toISOString(),
  });

  it('reads test or production intervals off a delivery waiting for attempt 2', () => {
    assert.equal(observedRetryMode([waiting(5)]), 'test');
    assert.equal(observedRetryMode([waiting(60)]), 'production');
  });

  it('knows nothing without such a delivery', () => {
    assert.equal(observedRetryMode([{ status: 'success', attempts: 1 }]), null);
  });
});

describe('prettyPayload', () => {
  it('indents JSON and leaves anything else as it is', () => {
    assert.equal(prettyPayload('{"a":{"b":1}}'), '{\n  "a": {\n    "b": 1\n  }\n}');
    assert.equal(prettyPayload('not json'), 'not json');
  });
});

describe('displayedHeaders', () => {
  it("shows an attempt's headers as sent, with anything that signs masked", () => {
    const shown = displayedHeaders(
      {
        'Content-Type': 'application/json',
        'X-Webhook-Signature': '[redacted]',
        'webhook-id': 'evt_Q2w3E4r5T6y7U8i9',
        'webhook-signature': 'v1,c2lnbmF0dXJl',
      },
      '{}',
    );
    assert.deepEqual(shown, [
      ['Content-Type', 'application/json'],
      ['X-Webhook-Signature', '•••• (masked)'],
      ['webhook-id', 'evt_Q2w3E4r5T6y7U8i9'],
      ['webhook-signature', '•••• (masked)'],
    ]);
  });

  it('describes the headers every delivery carries before the first attempt', () => {
    const shown = displayedHeaders(undefined, '{"event":"webhook.test","timestamp":1768471510}');
    assert.deepEqual(
      shown.map(([name]) => name),
      ['Content-Type', 'X-Webhook-Signature', 'webhook-id', 'webhook-timestamp', 'webhook-signature'],
    );
    assert.equal(shown[3][1], '1768471510');
  });
});

describe('pipelineHealth', () => {
  it('puts failures first, since they need the merchant', () => {
    const health = pipelineHealth({ queued: 3, in_flight: 1, failed: 2, dead_lettered: 0 });
    assert.equal(health.tone, 'bad');
    assert.match(health.text, /^2 deliveries failed and will not be retried/);
    assert.equal(
      pipelineHealth({ failed: 1, dead_lettered: 1 }).text,
      "1 delivery overdue: the gateway's sweep sends them again.",
    );
  });

  it('warns while deliveries are being retried and is calm otherwise', () => {
    assert.equal(pipelineHealth({ queued: 0, in_flight: 1, failed: 0, dead_lettered: 0 }).tone, 'warn');
    assert.deepEqual(pipelineHealth({ queued: 2, in_flight: 0, failed: 0, dead_lettered: 0 }), {
      tone: 'good',
      text: '2 deliveries on the way.',
    });
    assert.equal(pipelineHealth({}).tone, 'good');
  });
});

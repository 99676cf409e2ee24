import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exampleOutage, recoveryScript } from '../src/lib/playbook.js';

describe('exampleOutage', () => {
  it("is today's 02:00-04:00 UTC once that has passed", () => {
    assert.deepEqual(exampleOutage(new Date('2026-01-15T09:30:00Z')), {
      since: '2026-01-15T02:00:00Z',
      until: '2026-01-15T04:00:00Z',
    });
  });

  it("is yesterday's before 04:00 UTC, across a month's end", () => {
    assert.deepEqual(exampleOutage(new Date('2026-03-01T03:59:59Z')), {
      since: '2026-02-28T02:00:00Z',
      until: '2026-02-28T04:00:00Z',
    });
  });
});

describe('recoveryScript', () => {
  const script = recoveryScript(
    { apiUrl: 'http://localhost:8000', apiKey: 'key_live_1', apiSecret: 'secret_1' },
    { since: '2026-01-15T02:00:00Z', until: '2026-01-15T04:00:00Z' },
  );

  it("carries the merchant's credentials and the outage as shell variables", () => {
    assert.match(script, /^API=http:\/\/localhost:8000$/m);
    assert.match(script, /-H 'X-Api-Key: key_live_1' -H 'X-Api-Secret: secret_1'/);
    assert.match(script, /^SINCE=2026-01-15T02:00:00Z$/m);
    assert.match(script, /^UNTIL=2026-01-15T04:00:00Z$/m);
  });

  it('finds failed events, recovers the range and polls the recovery', () => {
    assert.match(script, /"\$API\/api\/v1\/events" .*--data-urlencode "delivery_status=failed"/);
    assert.match(script, /--data-urlencode "from=\$SINCE" --data-urlencode "to=\$UNTIL"/);
    assert.match(script, /-X POST "\$API\/api\/v1\/webhooks\/recover"/);
    assert.ok(script.includes('-d "{\\"since\\": \\"$SINCE\\", \\"until\\": \\"$UNTIL\\"}"'));
    assert.match(script, /"\$API\/api\/v1\/webhooks\/recover\/\$RECOVERY_ID"/);
  });

  it('shows outputs as comments and leaves no placeholder behind', () => {
    for (const line of script.split('\n').filter((text) => text.startsWith('#>'))) assert.ok(line.startsWith('#> '));
    assert.doesNotMatch(script, /undefined|\$\{(?!AUTH\[@\]\})/);
  });
});

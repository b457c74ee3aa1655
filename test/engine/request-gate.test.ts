import { describe, expect, it } from 'vitest';
import { PrefixGates, RequestGate } from '../../source/engine/request-gate.js';

/** A task the test finishes by hand, to hold slots open. */
function controllable() {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { task: () => promise, finish, fail };
}

describe('RequestGate (AIMD)', () => {
  it('halves on a throttle, once per burst, never below the minimum', () => {
    let now = 0;
    const gate = new RequestGate(32, { now: () => now });
    gate.throttled();
    gate.throttled(); // same burst: no second cut
    expect(gate.limit).toBe(16);
    now += 1500;
    gate.throttled();
    expect(gate.limit).toBe(8);
    for (let cut = 0; cut < 10; cut += 1) {
      now += 1500;
      gate.throttled();
    }
    expect(gate.limit).toBe(1);
  });

  it('grows back by one slot per window of successes, up to its maximum', async () => {
    let now = 0;
    const gate = new RequestGate(4, { now: () => now });
    gate.throttled();
    expect(gate.limit).toBe(2);
    await gate.run(async () => undefined);
    expect(gate.limit).toBe(2);
    await gate.run(async () => undefined);
    expect(gate.limit).toBe(3);
    for (let index = 0; index < 20; index += 1) await gate.run(async () => undefined);
    expect(gate.limit).toBe(4);
    now += 1;
  });

  it('runs at most `limit` tasks at once, and a failed task frees its slot', async () => {
    const gate = new RequestGate(2);
    const [a, b, c] = [controllable(), controllable(), controllable()];
    let started = 0;
    const runs = [a, b, c].map((one) =>
      gate.run(() => {
        started += 1;
        return one.task();
      }),
    );
    runs[1]!.catch(() => undefined);
    await Promise.resolve();
    expect(started).toBe(2);
    b.fail(new Error('dropped'));
    await expect(runs[1]).rejects.toThrow('dropped');
    expect(started).toBe(3);
    a.finish();
    c.finish();
    await Promise.all([runs[0], runs[2]]);
  });
});

describe('PrefixGates', () => {
  it('finds the gate of the longest prefix a key is under', () => {
    const gates = new PrefixGates(8);
    const trail = gates.forPrefix('AWSLogs/111122223333/CloudTrail/eu-west-1/');
    const root = gates.forPrefix('AWSLogs/');
    expect(gates.forKey('AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/x.json.gz')).toBe(trail);
    expect(gates.forKey('AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/x.json.gz')).toBe(root);
    expect(gates.forKey('logs/2024-05-01')).toBeUndefined();
  });
});

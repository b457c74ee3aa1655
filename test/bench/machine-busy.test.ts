import { describe, expect, it } from 'vitest';
import { machineBusy, summarize, type RunRecord } from '../../bench/results.js';

const run = (fields: Partial<RunRecord>): RunRecord => ({
  workload: 'cloudtrail-2k',
  latencyMs: 0,
  contender: 'tool',
  label: 'tool',
  repeat: 0,
  objects: 996,
  bytes: 20_000_000,
  wallMs: 5000,
  peakRssKiB: 140_000,
  cpuS: 4,
  serverCpuS: 4,
  proxyCpuS: 2,
  requests: {},
  verified: 'size',
  problems: [],
  ...fields,
});

describe('machine busy', () => {
  it('is the CPU of contender, server and proxy over cores × wall', () => {
    // 4 + 4 + 2 s of CPU in 5 s on 2 cores: every core busy the whole run.
    expect(machineBusy({ wallMs: 5000, cpuS: 4, serverCpuS: 4, proxyCpuS: 2 }, 2)).toBeCloseTo(1);
    expect(machineBusy({ wallMs: 10_000, cpuS: 3, serverCpuS: 1, proxyCpuS: 1 }, 2)).toBeCloseTo(0.25);
  });

  it('is unknown when the server or the proxy was not measured', () => {
    expect(machineBusy({ wallMs: 5000, cpuS: 4, serverCpuS: null, proxyCpuS: 2 }, 2)).toBeNull();
    expect(machineBusy({ wallMs: 5000, cpuS: 4, serverCpuS: 4, proxyCpuS: null }, 2)).toBeNull();
  });

  it('takes the median proxy CPU of a case, and none from results written before it was kept', () => {
    const [row] = summarize([
      run({ proxyCpuS: 1 }),
      run({ repeat: 1, proxyCpuS: 3 }),
      run({ repeat: 2, proxyCpuS: 2 }),
    ]);
    expect(row?.proxyCpuS).toBe(2);
    const { proxyCpuS: _dropped, ...old } = run({});
    expect(summarize([old])[0]?.proxyCpuS).toBeNull();
  });
});

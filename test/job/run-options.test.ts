import { describe, expect, it } from 'vitest';
import { runOptionsFor } from '../../source/job/collapse-job.js';
import { parseCliArgs } from '../../source/options.js';

const optionsOf = (argv: readonly string[]) => runOptionsFor(parseCliArgs(argv, {}), '0.0.0');

describe('runOptionsFor', () => {
  it('copies large inputs on the server unless --no-server-copy says every byte is uploaded', () => {
    expect(optionsOf([]).serverCopy).toBe(true);
    expect(optionsOf(['--no-server-copy']).serverCopy).toBe(false);
  });

  it('takes the part size in MiB and the periods at once from the flags', () => {
    expect(optionsOf(['--part-size', '16', '--concurrency', '2'])).toMatchObject({
      partSize: 16 * 1024 * 1024,
      periodConcurrency: 2,
    });
  });
});

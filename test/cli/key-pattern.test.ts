import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../source/engine/manifest.js';
import { gunzipText } from '../support/collapse.js';
import { runCli } from '../support/run-cli.js';
import { endpoint, getBytes, listKeys, newBucket, putObjects, testClient } from '../support/s3.js';

/** `--key-pattern` end to end: the built CLI collapses keys of a user's own layout against the local server. */

const s3 = testClient();
afterAll(() => s3.destroy());

const PATTERN = 'app-logs/{yyyy}/{MM}/{dd}/*-{HH}{mm}.log';
const run = (bucket: string, ...flags: string[]) =>
  runCli(['--endpoint', endpoint(), '--bucket', bucket, '--key-pattern', PATTERN, ...flags]);

describe('--key-pattern', () => {
  it('collapses the keys of the pattern byte-exactly, in key order, and leaves every other key', async () => {
    const bucket = await newBucket(s3, 'keypattern');
    const inputs = [
      { key: 'app-logs/2024/05/01/web-1-0005.log', body: 'web-1 00:05 a\nweb-1 00:05 b\n' },
      { key: 'app-logs/2024/05/01/web-2-0005.log', body: 'web-2 00:05\n' },
      // No final newline: the output gets one, so its record does not fuse with the next.
      { key: 'app-logs/2024/05/01/web-1-1310.log', body: 'web-1 13:10 unterminated' },
      { key: 'app-logs/2024/05/01/api-2359.log', body: 'api 23:59\n' },
    ];
    const left = [
      'app-logs/2024/05/01/notes.txt',
      // `*` never crosses a folder; 25:00 is no time; another day is outside the range.
      'app-logs/2024/05/01/old/web-1-0100.log',
      'app-logs/2024/05/01/web-1-2500.log',
      'app-logs/2024/05/02/web-1-0005.log',
      'logs/2024-05-01-13-05-31-6C0B8E3D1F2A4B7C',
    ];
    await putObjects(s3, bucket, [...inputs, ...left.map((key) => ({ key, body: `left ${key}\n` }))]);

    const result = await run(bucket, '--from', '2024-05-01', '--yes', '--json');
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ exitCode: 0, totals: { collapsed: 1, failed: 0 } });

    const output = 'app-logs/2024/05/01/2024-05-01_collapsed.log';
    const manifestKey = 'app-logs/2024/05/01/_2024-05-01_collapsed.log.manifest.json';
    const ordered = [...inputs].sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    const expected = ordered.map(({ body }) => (body.endsWith('\n') ? body : `${body}\n`)).join('');
    expect((await getBytes(s3, bucket, output)).toString('utf8')).toBe(expected);
    expect((await listKeys(s3, bucket)).sort()).toEqual([...left, output, manifestKey].sort());

    // The manifest records the pattern, so a later run (or verify, restore) can rebuild the layout.
    const manifest = parseManifest((await getBytes(s3, bucket, manifestKey)).toString('utf8'));
    expect(manifest.ok && manifest.manifest).toMatchObject({
      layout: 'key-pattern',
      keyPattern: PATTERN,
      prefix: 'app-logs/',
      state: 'complete',
      members: ordered.map(({ key }) => ({ key })),
    });

    const again = await run(bucket, '--from', '2024-05-01', '--yes', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ totals: { collapsed: 0, failed: 0 } });
    expect((await getBytes(s3, bucket, output)).toString('utf8')).toBe(expected);
  });

  it('gzip by hour when the pattern ends in .gz', async () => {
    const bucket = await newBucket(s3, 'keypatterngz');
    const pattern = 'svc/{yyyy}{MM}{dd}/{HH}/*.json.gz';
    const inputs = ['svc/20240501/13/a.json.gz', 'svc/20240501/13/b.json.gz'].map((key, index) => ({
      key,
      body: gzipSync(`{"n":${index}}\n`),
    }));
    await putObjects(s3, bucket, [
      ...inputs,
      { key: 'svc/20240501/14/c.json.gz', body: gzipSync('{"n":2}\n') },
    ]);
    const result = await runCli([
      '--endpoint',
      endpoint(),
      '--bucket',
      bucket,
      '--key-pattern',
      pattern,
      '--by',
      'hour',
      '--from',
      '2024-05-01T13',
      '--yes',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const output = await getBytes(s3, bucket, 'svc/20240501/13/2024-05-01-13_collapsed.json.gz');
    expect(output.equals(Buffer.concat(inputs.map(({ body }) => body)))).toBe(true);
    expect(gunzipText(output)).toBe('{"n":0}\n{"n":1}\n');
    expect(await listKeys(s3, bucket, 'svc/20240501/14/')).toEqual(['svc/20240501/14/c.json.gz']);
  });

  it('by hour without {HH} in the pattern: exit 2, nothing changed', async () => {
    const bucket = await newBucket(s3, 'keypatternhour');
    await putObjects(s3, bucket, [{ key: 'd/2024/05/01/a.log', body: 'a\n' }]);
    const result = await runCli([
      '--endpoint',
      endpoint(),
      '--bucket',
      bucket,
      '--key-pattern',
      'd/{yyyy}/{MM}/{dd}/*.log',
      '--by',
      'hour',
      '--from',
      '2024-05-01T13',
      '--yes',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('has no {HH}: its keys cannot be collapsed by hour.');
    expect(await listKeys(s3, bucket)).toEqual(['d/2024/05/01/a.log']);
  });
});

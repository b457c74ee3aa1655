import { describe, expect, it } from 'vitest';
import { chooseCandidate, scoreSample } from '../../source/layouts/detect.js';
import { LAYOUTS } from '../../source/layouts/index.js';
import { UserError } from '../../source/errors.js';

const access = (n: number, prefix = 'logs/') =>
  Array.from(
    { length: n },
    (_, index) =>
      `${prefix}2024-05-01-00-00-${String(index % 60).padStart(2, '0')}-${String(index).padStart(16, '0')}`,
  );
const trail = (n: number) =>
  Array.from(
    { length: n },
    (_, index) =>
      `AWSLogs/111122223333/CloudTrail/eu-west-1/2024/05/01/111122223333_CloudTrail_eu-west-1_20240501T00${String(index % 60).padStart(2, '0')}Z_${String(index).padStart(16, 'a')}.json.gz`,
  );

describe('scoreSample', () => {
  it('counts matches per layout and root, and the keys it leaves alone', () => {
    const detection = scoreSample(
      [...access(5), ...trail(3), 'logs/README.txt', 'logs/_2024-04-30_collapsed.manifest.json'],
      LAYOUTS,
    );
    expect(detection.candidates.map((c) => [c.layout, c.root, c.matched, c.seriesSeen])).toEqual([
      ['s3-access-simple', 'logs/', 5, 1],
      ['cloudtrail', '', 3, 1],
    ]);
    expect(detection.other).toBe(2);
    expect(detection.manifests).toEqual(['logs/_2024-04-30_collapsed.manifest.json']);
  });
});

describe('chooseCandidate', () => {
  it('takes the single layout found', () => {
    expect(chooseCandidate(scoreSample(access(4), LAYOUTS), 's3://b/').root).toBe('logs/');
  });

  it('refuses one layout under several prefixes, naming each prefix on a line of its own', () => {
    const several = scoreSample([...access(4), ...access(2, 'old/')], LAYOUTS);
    expect(() => chooseCandidate(several, 's3://b/')).toThrow(UserError);
    expect(() => chooseCandidate(several, 's3://b/')).toThrow(
      'Found S3 server access logs, simple layout under 2 prefixes of s3://b/; a run collapses one.',
    );
    const error = (() => {
      try {
        chooseCandidate(several, 's3://b/');
      } catch (caught) {
        return caught as UserError;
      }
    })();
    expect(error?.fix).toBe(
      'Pick one with --prefix:\n    --prefix logs/   (4 keys sampled)\n    --prefix old/   (2 keys sampled)',
    );
  });

  it('refuses none, showing sample keys', () => {
    expect(() => chooseCandidate(scoreSample(['a.csv', 'b/c.json'], LAYOUTS), 's3://b/')).toThrow(
      /sampled 2 keys\)\. Sample keys: a.csv, b\/c.json/,
    );
    expect(() => chooseCandidate(scoreSample([], LAYOUTS), 's3://b/')).toThrow(/It holds no objects/);
  });
});

import { describe, expect, it } from 'vitest';
import { parseLogKey } from '../../source/layouts/index.js';
import { drawKey } from '../../source/plain/key-drawing.js';

const fieldsOf = (key: string) => parseLogKey(key)!.parsed.fields;

describe('drawKey', () => {
  it('draws a simple access-log key apart, each label under its own field', () => {
    expect(drawKey(fieldsOf('logs/2026-11-21-00-03-00-E8EB2AF2F26165A8'))).toEqual([
      'logs/2026-11-21-00-03-00-E8EB2AF2F26165A8',
      '╰─┬─╯╰───┬────╯ ╰──┬───╯ ╰──────┬───────╯',
      'prefix  date   time UTC     unique id',
    ]);
  });

  it('lines each bracket up with its field', () => {
    const [key, brackets] = drawKey(
      fieldsOf('logs/123456789012/us-east-1/my-site/2024/05/01/2024-05-01-13-05-31-6C0B8E3D1F2A4B7C'),
      120,
    );
    expect(brackets!.length).toBe(key!.length);
    expect(key!.slice(brackets!.indexOf('╰', 5), brackets!.indexOf('╯', 5) + 1)).toBe('123456789012');
  });

  it('lists the fields of a key wider than the terminal instead of drawing them', () => {
    const key =
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/21/111122223333_CloudTrail_eu-west-1_20261121T0027Z_EB1AD24B6FE0C6E8.json.gz';
    const lines = drawKey(fieldsOf(key), 80);
    expect(lines[0]).toBe(key);
    expect(lines).toContain('  region     eu-west-1');
    expect(lines).toContain('  unique id  EB1AD24B6FE0C6E8');
  });
});

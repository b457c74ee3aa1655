import { counted, table, wrapWords } from '../format.js';
import { isAvailable, utcMinute, type KeyExplanation } from '../job/explain-key.js';
import { keyAnatomy } from '../job/key-anatomy.js';

/** How `explain` prints an explanation: the key drawn apart, then what the tool makes of it. */

const INDENT = '  ';

const MARK: Readonly<Record<KeyExplanation['verdict'], string>> = {
  input: '✔',
  'not-yet': '◷',
  never: '✖',
};

const wrapped = (text: string, width: number, indent = INDENT): string[] =>
  wrapWords(text, Math.max(20, width - indent.length)).map((line) => `${indent}${line}`);

export function explanationLines(explanation: KeyExplanation, width: number): string[] {
  const lines: string[] = [];
  if (explanation.fields) {
    for (const block of keyAnatomy(explanation.fields, Math.max(20, width - INDENT.length))) {
      lines.push(block.key, block.braces, ...block.labels);
    }
  } else {
    lines.push(explanation.key);
  }
  lines.push('');
  const { layout } = explanation;
  if (layout) {
    lines.push(`${INDENT}${layout.title}`);
    if (layout.writtenBy) lines.push(...wrapped(layout.writtenBy, width));
    const encoding = layout.encoding === 'gzip' ? 'gzip' : 'plain text';
    lines.push(
      `${INDENT}series ${explanation.series?.label ?? ''} · ${encoding} · key time ${(explanation.time ?? '').replace(/\.000Z$/, 'Z')} (UTC)`,
    );
    lines.push('');
  }
  if (explanation.periods) {
    const rows = [['by', 'period (UTC)', 'output']];
    for (const period of explanation.periods) {
      if (!isAvailable(period)) {
        rows.push([period.by, 'not possible', period.unavailable]);
        continue;
      }
      const span = `${utcMinute(period.start)} – ${utcMinute(period.end)}${period.finished ? '' : ' (not over)'}`;
      rows.push([period.by, span, period.outputKey]);
    }
    const side = table(rows).map((row) => `${INDENT}${row}`);
    // Long output keys (CloudTrail's) go under their period rather than off the edge.
    const fits = side.every((row) => row.length <= width);
    const stacked = table(rows.map(([by = '', span = '']) => [by, span])).flatMap((row, index) =>
      index === 0 ? [`${INDENT}${row}`] : [`${INDENT}${row}`, `${INDENT}       → ${rows[index]![2]}`],
    );
    lines.push(...(fits ? side : stacked), '');
  }
  lines.push(...wrapped(`${MARK[explanation.verdict]} ${explanation.reason}`, width));
  if (explanation.kind === 'unclaimed') {
    const hint = explanation.claimedBy
      ? `Without --layout or --key-pattern it is explained as ${explanation.claimedBy.id}.`
      : 'If it is a log, describe its keys with --key-pattern (see s3collapse-tui explain --help).';
    lines.push(...wrapped(hint, width));
  }
  return lines;
}

export interface BucketSample {
  readonly bucket: string;
  readonly prefix: string;
  readonly sampled: number;
  /** Sampled keys no layout claims. */
  readonly other: number;
}

export function sampleHeading(sample: BucketSample, layouts: number): string {
  const where = `s3://${sample.bucket}/${sample.prefix}`;
  return `${where}: ${counted(sample.sampled, 'key')} sampled, ${counted(layouts, 'layout')} found, ${counted(sample.other, 'key')} no layout claims.`;
}

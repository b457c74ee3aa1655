import type { KeyField } from '../layouts/index.js';

/** The name a newcomer reads under each piece of a key. */
const FIELD_LABELS: Readonly<Record<KeyField['name'], string | undefined>> = {
  prefix: 'prefix',
  org: 'organization',
  account: 'account',
  region: 'region',
  bucket: 'source bucket',
  date: 'date',
  time: 'time UTC',
  unique: 'unique id',
  resource: 'resource id',
  logType: 'log type',
  address: 'node IP',
  partition: 'partition',
  wildcard: 'wildcard',
  literal: undefined,
};

/** One line of a key, drawn apart: the key, the braces under its fields, the rows of labels. */
export interface AnatomyBlock {
  readonly key: string;
  readonly braces: string;
  readonly labels: readonly string[];
}

/** `╰─┬─╯` under a field of `width` characters; returns the brace and where its stem is. */
function brace(width: number): { text: string; stem: number } {
  const stem = Math.floor((width - 1) / 2);
  let text = '';
  for (let index = 0; index < width; index += 1) {
    if (index === stem) text += '┬';
    else if (index === 0) text += '╰';
    else if (index === width - 1) text += '╯';
    else text += '─';
  }
  return { text, stem };
}

/** Splits fields into lines no wider than `width`, breaking only between fields. */
function lines(fields: readonly KeyField[], width: number): KeyField[][] {
  const result: KeyField[][] = [[]];
  let used = 0;
  for (const field of fields) {
    if (used + field.text.length > width && result.at(-1)!.length > 0) {
      result.push([]);
      used = 0;
    }
    result.at(-1)!.push(field);
    used += field.text.length;
  }
  return result;
}

function place(rows: string[][], row: number, start: number, text: string): void {
  while (rows.length <= row) rows.push([]);
  const cells = rows[row]!;
  for (let index = 0; index < text.length; index += 1) cells[start + index] = text[index]!;
}

const isFree = (cells: readonly (string | undefined)[], from: number, to: number): boolean => {
  for (let index = Math.max(0, from - 1); index <= to; index += 1)
    if (cells[index] !== undefined) return false;
  return true;
};

function drawBlock(fields: readonly KeyField[], width: number): AnatomyBlock {
  let key = '';
  let braces = '';
  const rows: string[][] = [];
  for (const field of fields) {
    const column = key.length;
    key += field.text;
    const label = FIELD_LABELS[field.name];
    if (!label) {
      braces += ' '.repeat(field.text.length);
      continue;
    }
    const { text, stem } = brace(field.text.length);
    braces += text;
    const anchor = column + stem;
    const ideal = Math.max(0, Math.min(anchor - Math.floor(label.length / 2), width - label.length));
    // The first row where the label fits without touching another one and still starts at or before its stem.
    let row = 0;
    for (; ; row += 1) {
      const cells = rows[row] ?? [];
      let start = ideal;
      while (!isFree(cells, start, start + label.length) && start <= anchor) start += 1;
      if (start <= anchor && isFree(cells, start, start + label.length)) {
        place(rows, row, start, label);
        for (let above = 0; above < row; above += 1)
          if (rows[above]![anchor] === undefined) place(rows, above, anchor, '│');
        break;
      }
    }
  }
  const labels = rows.map((cells) =>
    Array.from({ length: cells.length }, (_, index) => cells[index] ?? ' ')
      .join('')
      .trimEnd(),
  );
  return { key, braces: braces.trimEnd(), labels };
}

/**
 * A sample key drawn apart into its labelled fields, as blocks of lines at most `width` wide. The
 * fields concatenate back to the key, so the key lines read exactly as the key.
 */
export function keyAnatomy(fields: readonly KeyField[], width = 76): AnatomyBlock[] {
  return lines(fields, width).map((line) => drawBlock(line, width));
}

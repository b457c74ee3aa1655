import type { KeyField } from '../layouts/index.js';

const LABELS: Readonly<Record<KeyField['name'], string>> = {
  prefix: 'prefix',
  account: 'account',
  region: 'region',
  bucket: 'source bucket',
  date: 'date',
  time: 'time UTC',
  unique: 'unique id',
  literal: '',
  org: 'organization',
};

/** `╰─┬─╯` under a field of this width (a lone `│` or `╿` for the narrowest ones). */
function bracket(width: number): string {
  if (width === 1) return '│';
  if (width === 2) return '╰╯';
  const middle = Math.floor((width - 1) / 2);
  return `╰${'─'.repeat(middle - 1)}┬${'─'.repeat(width - middle - 2)}╯`;
}

/**
 * A sample key drawn apart into its labelled fields, for the newcomer:
 *
 *     logs/2026-11-23-14-05-31-6C0B8E3D1F2A4B7C
 *     ╰─┬─╯╰───┬────╯ ╰──┬───╯ ╰───────┬──────╯
 *     prefix  date     time UTC     unique id
 *
 * Labels that would collide go on further lines. A key wider than the terminal is listed field by
 * field instead, since a wrapped drawing no longer lines up.
 */
export function drawKey(fields: readonly KeyField[], columns = 80): string[] {
  const key = fields.map((field) => field.text).join('');
  const named = fields
    .map((field, index) => ({
      field,
      start: fields.slice(0, index).reduce((total, f) => total + f.text.length, 0),
    }))
    .filter(({ field }) => field.name !== 'literal');
  if (key.length > columns - 2) {
    const width = Math.max(...named.map(({ field }) => LABELS[field.name].length));
    return [key, ...named.map(({ field }) => `  ${LABELS[field.name].padEnd(width)}  ${field.text}`)];
  }
  let brackets = '';
  const labelLines: string[] = [];
  for (const { field, start } of named) {
    brackets = brackets.padEnd(start) + bracket(field.text.length);
    const label = LABELS[field.name];
    const centre = start + Math.floor((field.text.length - 1) / 2);
    const centred = Math.max(0, centre - Math.floor(label.length / 2));
    // Centred under its bracket, or pushed right while it still starts under its field; two spaces apart.
    const placeOn = (text: string) => Math.max(centred, text.length === 0 ? 0 : text.length + 2);
    let line = labelLines.findIndex((text) => placeOn(text) < start + field.text.length);
    if (line < 0) line = labelLines.push('') - 1;
    labelLines[line] = labelLines[line]!.padEnd(placeOn(labelLines[line]!)) + label;
  }
  return [key, brackets, ...labelLines];
}

// A plain-text table for the planning benches' output (the same look as report.ts's, whose table is
// private to the collapse bench): numbers right-aligned, words left-aligned, a rule under the header.

const NUMERIC = /^[\d.,×–~≤≥<>+-]+( ?(ms|s|MiB|KiB|%|\/s))?$/;

export function textTable(rows: readonly (readonly string[])[]): string {
  const header = rows[0];
  if (!header) return '';
  const widths = header.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        NUMERIC.test(cell) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(line)].join(
    '\n',
  );
}

export const count = (value: number): string => Math.round(value).toLocaleString('en-US');

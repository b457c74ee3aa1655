// docs/bench.svg, drawn by hand from a results file: median wall time per contender for each workload
// and latency (log scale when the bars span more than 20×), and the tool's peak RSS against the number
// of objects it collapsed. No dependency: SVG is text.
import type { ContenderId } from './contenders.js';
import { casesOf, summarize, wallRatio, type BenchResults, type Summary } from './results.js';

const WIDTH = 960;
const ORDER: readonly ContenderId[] = ['tool', 'baseline', 'raw-floor', 'aws-cli', 'one-at-a-time'];
const COLOURS: Record<ContenderId, string> = {
  tool: '#2563eb',
  baseline: '#7c3aed',
  'raw-floor': '#16a34a',
  'aws-cli': '#d97706',
  'one-at-a-time': '#9ca3af',
};
const LABELS: Record<ContenderId, string> = {
  tool: 'tool',
  baseline: 'baseline',
  'raw-floor': 'raw floor',
  'aws-cli': 'aws cli',
  'one-at-a-time': 'one at a time',
};

const escape = (text: string) => text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
const text = (x: number, y: number, content: string, attributes = '') =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attributes}>${escape(content)}</text>`;
const short = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

interface Scale {
  readonly at: (value: number) => number;
  readonly ticks: readonly number[];
  readonly log: boolean;
}

function scaleFor(values: readonly number[], top: number, bottom: number, allowLog = true): Scale {
  const max = Math.max(...values);
  const min = Math.min(...values);
  if (allowLog && max / min > 20) {
    const low = 10 ** Math.floor(Math.log10(min));
    const high = 10 ** Math.ceil(Math.log10(max));
    const ticks = [];
    for (let decade = low; decade <= high; decade *= 10)
      for (const step of [1, 2, 5]) if (decade * step <= high) ticks.push(decade * step);
    const span = Math.log10(high) - Math.log10(low);
    return {
      log: true,
      ticks,
      at: (v) => bottom - ((Math.log10(v) - Math.log10(low)) / span) * (bottom - top),
    };
  }
  const step = 10 ** Math.floor(Math.log10(max / 4));
  const nice = [1, 2, 5, 10].map((n) => n * step).find((s) => max / s <= 6)!;
  const high = Math.ceil(max / nice) * nice;
  const ticks = Array.from({ length: high / nice + 1 }, (_, index) => index * nice);
  return { log: false, ticks, at: (v) => bottom - (v / high) * (bottom - top) };
}

function wallChart(rows: readonly Summary[], top: number, height: number): string[] {
  const left = 70;
  const right = WIDTH - 20;
  const bottom = top + height - 40;
  const cases = casesOf(rows);
  const contenders = ORDER.filter((id) => rows.some((row) => row.contender === id));
  const scale = scaleFor(
    rows.map((row) => row.wallMs / 1000),
    top + 10,
    bottom,
  );
  const parts: string[] = [];
  for (const tick of scale.ticks) {
    const y = scale.at(tick);
    parts.push(
      `<line x1="${left}" x2="${right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e5e7eb"/>`,
    );
    parts.push(text(left - 6, y + 4, `${tick} s`, 'text-anchor="end" class="axis"'));
  }
  const slot = (right - left) / cases.length;
  const bar = Math.min(34, (slot - 16) / contenders.length);
  cases.forEach(({ workload, latencyMs, rows: here }, index) => {
    const x0 = left + index * slot + (slot - bar * contenders.length) / 2;
    contenders.forEach((id, position) => {
      const row = here.find((r) => r.contender === id);
      if (!row) return;
      const y = scale.at(row.wallMs / 1000);
      const x = x0 + position * bar;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(bar - 3).toFixed(1)}" height="${(bottom - y).toFixed(1)}" fill="${COLOURS[id]}"><title>${escape(`${LABELS[id]}: ${short(row.wallMs / 1000)} s`)}</title></rect>`,
      );
      parts.push(
        text(x + (bar - 3) / 2, y - 3, short(row.wallMs / 1000), 'text-anchor="middle" class="value"'),
      );
    });
    parts.push(
      text(left + (index + 0.5) * slot, bottom + 16, workload, 'text-anchor="middle" class="label"'),
    );
    parts.push(
      text(
        left + (index + 0.5) * slot,
        bottom + 30,
        `+${latencyMs} ms/request`,
        'text-anchor="middle" class="axis"',
      ),
    );
  });
  parts.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#6b7280"/>`);
  contenders.forEach((id, position) => {
    const x = left + position * 130;
    parts.push(`<rect x="${x}" y="${top - 14}" width="12" height="12" fill="${COLOURS[id]}"/>`);
    parts.push(text(x + 17, top - 3, LABELS[id], 'class="label"'));
  });
  parts.push(
    text(
      right,
      top - 3,
      `median wall time, seconds${scale.log ? ' (log scale)' : ''}`,
      'text-anchor="end" class="axis"',
    ),
  );
  return parts;
}

function memoryChart(rows: readonly Summary[], top: number, height: number): string[] {
  const left = 70;
  const right = 520;
  const bottom = top + height - 36;
  const tool = rows.filter((row) => row.contender === 'tool');
  if (tool.length === 0) return [];
  const points = [...new Map(tool.map((row) => [row.workload, row])).values()].map((row) => ({
    workload: row.workload,
    objects: row.objects,
    rssMiB: Math.max(...tool.filter((r) => r.workload === row.workload).map((r) => r.peakRssKiB)) / 1024,
  }));
  const lowObjects = 10 ** Math.floor(Math.log10(Math.min(...points.map((p) => p.objects))));
  const highObjects = 10 ** Math.ceil(Math.log10(Math.max(...points.map((p) => p.objects)) + 1));
  // Inset, so a point on the first or last decade stays clear of the axes.
  const x = (objects: number) =>
    left +
    12 +
    ((Math.log10(objects) - Math.log10(lowObjects)) / (Math.log10(highObjects) - Math.log10(lowObjects))) *
      (right - left - 24);
  const scale = scaleFor(
    points.map((p) => p.rssMiB),
    top + 10,
    bottom,
    false,
  );
  const parts = [text(left, top - 4, 'tool: peak RSS (MiB) against objects collapsed', 'class="label"')];
  for (const tick of scale.ticks) {
    const ty = scale.at(tick);
    parts.push(
      `<line x1="${left}" x2="${right}" y1="${ty.toFixed(1)}" y2="${ty.toFixed(1)}" stroke="#e5e7eb"/>`,
    );
    parts.push(text(left - 6, ty + 4, `${tick}`, 'text-anchor="end" class="axis"'));
  }
  for (let decade = lowObjects; decade <= highObjects; decade *= 10)
    parts.push(
      text(x(decade), bottom + 16, decade.toLocaleString('en-US'), 'text-anchor="middle" class="axis"'),
    );
  parts.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#6b7280"/>`);
  parts.push(
    text((left + right) / 2, bottom + 32, 'objects (log scale)', 'text-anchor="middle" class="axis"'),
  );
  for (const point of points) {
    const px = x(point.objects);
    const py = scale.at(point.rssMiB);
    parts.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="5" fill="${COLOURS.tool}"/>`);
    parts.push(text(px + 8, py - 6, `${point.workload}: ${Math.round(point.rssMiB)} MiB`, 'class="value"'));
  }
  return parts;
}

/** The ratios the issue asks about, beside the memory chart. */
function ratioTable(rows: readonly Summary[], top: number): string[] {
  const left = 600;
  const columns: Array<[string, ContenderId, ContenderId]> = [
    ['tool/floor', 'tool', 'raw-floor'],
    ['cli/tool', 'aws-cli', 'tool'],
    ['1-at-a-time/tool', 'one-at-a-time', 'tool'],
  ];
  const parts = [text(left, top - 4, 'ratios of median wall time', 'class="label"')];
  columns.forEach(([title], column) =>
    parts.push(text(left + 160 + column * 90, top + 16, title, 'text-anchor="end" class="axis"')),
  );
  casesOf(rows).forEach(({ workload, latencyMs, rows: here }, line) => {
    const y = top + 34 + line * 17;
    parts.push(text(left, y, `${workload}, +${latencyMs} ms`, 'class="value"'));
    columns.forEach(([, over, under], column) => {
      const value = wallRatio(here, over, under);
      parts.push(
        text(
          left + 160 + column * 90,
          y,
          value === undefined ? '–' : `${value.toFixed(2)}×`,
          'text-anchor="end" class="value"',
        ),
      );
    });
  });
  return parts;
}

export function renderChart(results: BenchResults): string {
  const rows = summarize(results.runs);
  const { machine } = results;
  const title = 's3collapse-tui bench: the tool and its alternatives against a local S3 server';
  const subtitle = `${machine.cpuModel} × ${machine.cpus}, ${machine.memoryGiB} GiB, Node ${results.node}; ${results.date.slice(0, 10)}; scale ${results.settings.scale}, median of ${results.settings.repeats} (one at a time: 1 run)`;
  const wallHeight = 380;
  const memoryTop = 70 + wallHeight + 30;
  const memoryHeight = rows.some((row) => row.contender === 'tool') ? 220 : 0;
  const height = memoryTop + memoryHeight + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    '<style>.title{font-size:16px;font-weight:600;fill:#111827}.sub{font-size:12px;fill:#4b5563}.label{font-size:12px;fill:#111827}.axis{font-size:11px;fill:#6b7280}.value{font-size:10px;fill:#374151}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(20, 24, title, 'class="title"'),
    text(20, 42, subtitle, 'class="sub"'),
    ...wallChart(rows, 70, wallHeight),
    ...(memoryHeight ? memoryChart(rows, memoryTop, memoryHeight) : []),
    ...ratioTable(rows, memoryTop),
    '</svg>',
    '',
  ].join('\n');
}

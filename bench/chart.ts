// Writes docs/bench.svg from a results file. npm run bench does this at the end of every run; to redraw
// the chart from bench/results/latest.json without running anything: npm run bench:chart
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderChart } from './chart-svg.js';
import { readResults, type BenchResults } from './results.js';

export const CHART_FILE = fileURLToPath(new URL('../docs/bench.svg', import.meta.url));

export async function writeChart(results: BenchResults): Promise<void> {
  await mkdir(dirname(CHART_FILE), { recursive: true });
  await writeFile(CHART_FILE, renderChart(results));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await readResults();
  if (results.runs.length === 0)
    throw new Error('bench/results/latest.json holds no runs: run npm run bench');
  await writeChart(results);
  console.log('wrote docs/bench.svg from bench/results/latest.json');
}

// Benchmark: N browser clients (Chromium pages running the real app, driving the API through the
// app's client) editing different images of a generated 2,000-image folder against one headless
// host for a fixed time. Reports saves/s, errors, edits lost (checked on disk after a SIGKILL) and
// p50/p95 API latency measured in the pages; writes bench/results/load.json.
//   npx tsx bench/load.ts [--seconds 60] [--clients 4] [--images 2000]
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runLoad } from '../test/reliability/support/load-run';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '60' }, clients: { type: 'string', default: '4' }, images: { type: 'string', default: '2000' } },
});
const seconds = Number(values.seconds);
const clients = Number(values.clients);
const images = Number(values.images);
if (![seconds, clients, images].every((value) => Number.isFinite(value) && value > 0)) {
  console.error('usage: npx tsx bench/load.ts [--seconds 60] [--clients 4] [--images 2000]');
  process.exit(2);
}

const loadBefore = loadavg()[0];
const report = await runLoad({ clients, seconds, images });
const result = {
  benchmark: 'load',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, loadAverage1mBefore: Math.round(loadBefore * 10) / 10, loadAverage1mAfter: Math.round(loadavg()[0] * 10) / 10, node: process.version },
  ...report,
};
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(join(repoRoot, 'bench/results/load.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(
  `load: ${clients} clients x ${seconds} s on ${report.images} images: ${report.saves} saves (${report.savesPerSecond}/s), errors ${report.errors.length}, ` +
    `edits lost ${report.editsLost}; p50/p95 ms: get ${report.latency.getAnnotations.p50Ms}/${report.latency.getAnnotations.p95Ms}, ` +
    `save ${report.latency.saveAnnotations.p50Ms}/${report.latency.saveAnnotations.p95Ms}, all ${report.latency.all.p50Ms}/${report.latency.all.p95Ms} -> bench/results/load.json`,
);
process.exitCode = report.errors.length === 0 && report.editsLost === 0 ? 0 : 1;

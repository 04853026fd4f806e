// Benchmark: opening a photo folder of 10,000 (and 2,000) small JPEGs in nested folders.
// Measures, each run in a fresh child process: openProject, the first listImages page (100
// records, which probes those 100 images), peak RSS; for a first open (no .maskpilot yet) and a
// reopen (index cache present). One extra run pages through the whole folder, probing every
// image, to show the memory the full index needs. Prints medians, writes bench/results/open-folder.json.
//   npx tsx bench/open-folder.ts [--runs 5]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { openProject } from '../electron/services/project';

const PAGE_SIZE = 100;
const IMAGES_PER_FOLDER = 100;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

interface ChildResult {
  mode: Mode;
  images: number;
  openMs: number;
  firstPageMs: number;
  /** CPU time (user + system) of this process up to the first page, ms: steadier than wall time on a shared machine. */
  firstPageCpuMs: number;
  totalMs: number;
  /** Peak resident set size of the whole process, MiB (process.resourceUsage().maxRSS). */
  peakRssMiB: number;
  /** Peak RSS right after imports, before opening: the part not due to the project. */
  baselineRssMiB: number;
  heapUsedMiB: number;
}

type Mode = 'first' | 'reopen' | 'full';

async function generateFolder(count: number): Promise<string> {
  const folder = join(tmpdir(), `maskpilot-bench-open-folder-${count}`);
  const marker = join(folder, '.generated');
  if (existsSync(marker)) return folder;
  await rm(folder, { recursive: true, force: true });
  console.log(`generating ${count} JPEGs in ${folder} (once) ...`);
  for (let index = 0; index < count; index += 1) {
    const group = Math.floor(index / IMAGES_PER_FOLDER);
    const path = join(folder, `set-${Math.floor(group / 10)}`, `roll-${group}`, `img_${index}.jpg`);
    if (index % IMAGES_PER_FOLDER === 0) await mkdir(dirname(path), { recursive: true });
    const background = { r: index % 256, g: (index * 7) % 256, b: (index * 13) % 256 };
    await sharp({ create: { width: 64, height: 48, channels: 3, background } }).jpeg({ quality: 80 }).toFile(path);
  }
  await writeFile(marker, new Date().toISOString());
  return folder;
}

const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;

/** Runs in the child: one measured open. */
async function measure(folder: string, mode: Mode): Promise<ChildResult> {
  if (mode !== 'reopen') await rm(join(folder, '.maskpilot'), { recursive: true, force: true });
  const baselineRssMiB = mib(process.resourceUsage().maxRSS);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const project = await openProject(folder);
  const opened = performance.now();
  const first = await project.listImages({ offset: 0, limit: PAGE_SIZE });
  const firstPage = performance.now();
  const cpu = process.cpuUsage(cpuStart);
  if (first.images.length !== Math.min(PAGE_SIZE, first.total) || first.images.some((image) => image.width === undefined)) {
    throw new Error('first page incomplete');
  }
  if (mode === 'full') {
    for (let offset = PAGE_SIZE; offset < first.total; offset += 500) await project.listImages({ offset, limit: 500 });
  }
  await project.close(); // saves the index cache, so a following 'reopen' finds it
  const finished = performance.now();
  return {
    mode,
    images: first.total,
    openMs: Math.round(opened - started),
    firstPageMs: Math.round(firstPage - started),
    firstPageCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    totalMs: Math.round(finished - started),
    peakRssMiB: mib(process.resourceUsage().maxRSS),
    baselineRssMiB,
    heapUsedMiB: mib(process.memoryUsage().heapUsed / 1024),
  };
}

async function runChild(folder: string, mode: Mode): Promise<ChildResult> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', folder, mode], {
    cwd: repoRoot,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as ChildResult;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarize(results: ChildResult[]) {
  return {
    runs: results.length,
    openMs: median(results.map((result) => result.openMs)),
    firstPageMs: median(results.map((result) => result.firstPageMs)),
    firstPageCpuMs: median(results.map((result) => result.firstPageCpuMs)),
    peakRssMiB: median(results.map((result) => result.peakRssMiB)),
    baselineRssMiB: median(results.map((result) => result.baselineRssMiB)),
    all: results,
  };
}

async function main(): Promise<void> {
  const runsIndex = process.argv.indexOf('--runs');
  const runs = runsIndex > 0 ? Number(process.argv[runsIndex + 1]) : 5;
  const sizes = [2000, 10_000];
  const report: Record<string, unknown> = {
    benchmark: 'open-folder',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAverageAtStart: loadavg() },
    pageSize: PAGE_SIZE,
    target: { firstPageMs: 2000 },
    note: 'Each run is a fresh Node process (tsx). Files are in the OS page cache (generated or read before), so this is a warm-cache number. The machine is shared with other agents (see load averages): wall times are noisy, CPU times steadier.',
    folders: {} as Record<string, unknown>,
  };
  const folders = report.folders as Record<string, unknown>;
  for (const size of sizes) {
    const folder = await generateFolder(size);
    const first: ChildResult[] = [];
    const reopen: ChildResult[] = [];
    for (let run = 0; run < runs; run += 1) {
      first.push(await runChild(folder, 'first'));
      reopen.push(await runChild(folder, 'reopen'));
    }
    const full = await runChild(folder, 'full');
    const reopenAfterFull = await runChild(folder, 'reopen');
    folders[String(size)] = { first: summarize(first), reopen: summarize(reopen), probeAll: full, reopenAfterProbeAll: reopenAfterFull };
    const f = summarize(first);
    const r = summarize(reopen);
    console.log(
      `${size} images: first open -> first page ${f.firstPageMs} ms (cpu ${f.firstPageCpuMs} ms, open ${f.openMs} ms), reopen ${r.firstPageMs} ms (cpu ${r.firstPageCpuMs} ms); ` +
        `peak RSS ${f.peakRssMiB} MiB (baseline ${f.baselineRssMiB}); probing all: ${full.totalMs} ms, peak RSS ${full.peakRssMiB} MiB; ` +
        `reopen with full index: first page ${reopenAfterFull.firstPageMs} ms, peak RSS ${reopenAfterFull.peakRssMiB} MiB`,
    );
  }
  report.loadAverageAtEnd = loadavg();
  const out = join(repoRoot, 'bench/results/open-folder.json');
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

if (process.argv[2] === '--child') {
  const result = await measure(process.argv[3], process.argv[4] as Mode);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main();
}

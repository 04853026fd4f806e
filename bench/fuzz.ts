// Benchmark / long fuzz run: the seeded importer fuzzer of test/reliability (COCO values, COCO
// files, sidecars and project.json, projects opened on a damaged sidecar, image headers through the probe) for many more cases than CI.
// Prints cases/s and outcomes by code per target, lists any failure with its replay seed, writes
// bench/results/fuzz.json, and exits 1 if any case misbehaved.
//   npx tsx bench/fuzz.ts [seed] [--cases 100000]
// --cases is the total; it is split over the targets in proportion to their cost (file-backed
// cases take ~10x longer than in-memory ones).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cocoFileTarget, cocoValueTarget, imageProbeTarget, projectOpenTarget, runFuzz, sidecarTarget } from '../test/reliability/support/fuzz-targets';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({ allowPositionals: true, options: { cases: { type: 'string', default: '100000' } } });
const seed = Number(positionals[0] ?? 1);
const total = Number(values.cases);
if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(total) || total < 4) {
  console.error('usage: npx tsx bench/fuzz.ts [seed (integer)] [--cases N (>= 4)]');
  process.exit(2);
}
/** Share of the cases per target: most go to the cheap in-memory parser. */
const SHARES: Record<string, number> = { 'coco-parse': 0.55, 'coco-file': 0.1, sidecar: 0.14, 'project-open': 0.01, 'image-probe': 0.2 };

const workDir = await mkdtemp(join(tmpdir(), 'maskpilot-fuzz-bench-'));
try {
  const targets = [cocoValueTarget(), cocoFileTarget(workDir), await sidecarTarget(workDir), await projectOpenTarget(workDir), await imageProbeTarget(workDir)];
  const perTarget: Record<string, unknown> = {};
  const failures = [];
  let cases = 0;
  let elapsedMs = 0;
  for (const target of targets) {
    const count = Math.max(1, Math.round(total * SHARES[target.name]));
    let lastReport = performance.now();
    const stats = await runFuzz([target], seed, { [target.name]: count }, (_name, index) => {
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        console.log(`  ${target.name}: ${index}/${count}`);
      }
    });
    cases += stats.cases;
    elapsedMs += stats.elapsedMs;
    failures.push(...stats.failures);
    const casesPerSecond = stats.cases / (stats.elapsedMs / 1000);
    perTarget[target.name] = {
      cases: stats.cases,
      seconds: Math.round(stats.elapsedMs) / 1000,
      casesPerSecond: Math.round(casesPerSecond),
      slowestCaseMs: Math.round(stats.slowestCaseMs),
      slowestCase: stats.slowestCase,
      outcomes: stats.outcomes[target.name],
      failures: stats.failures.length,
    };
    console.log(
      `${target.name.padEnd(12)} ${String(stats.cases).padStart(7)} cases  ${casesPerSecond.toFixed(0).padStart(6)} cases/s  ` +
        `slowest ${stats.slowestCaseMs.toFixed(0)} ms  ${JSON.stringify(stats.outcomes[target.name])}`,
    );
  }
  for (const failure of failures.slice(0, 20)) console.log(`FAILED ${failure.target} seed ${failure.seed} #${failure.index} [${failure.description}]: ${failure.error}`);
  const result = {
    benchmark: 'fuzz',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, loadAverage1m: Math.round(loadavg()[0] * 10) / 10, node: process.version },
    seed,
    cases,
    seconds: Math.round(elapsedMs) / 1000,
    casesPerSecond: Math.round(cases / (elapsedMs / 1000)),
    failures: failures.length,
    failureSamples: failures.slice(0, 20),
    targets: perTarget,
  };
  await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
  await writeFile(join(repoRoot, 'bench/results/fuzz.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`fuzz: ${cases} cases, ${result.casesPerSecond} cases/s overall, ${failures.length} failures -> bench/results/fuzz.json`);
  process.exitCode = failures.length === 0 ? 0 : 1;
} finally {
  await rm(workDir, { recursive: true, force: true });
}

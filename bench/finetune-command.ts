// Benchmark: `maskpilot finetune` end to end on a copy of the first N pennfudan images, their
// ground truth imported as the annotator's corrections (every image marked done). Each run starts
// from a fresh copy (cold feature cache, bundled DeepMask active) and runs the real CLI in a child
// process with its default number of steps. Records wall-clock seconds, the learner's training
// seconds and steps, held-out AR@100/AR@10 of the new version vs the bundled one, and the decision.
// Prints the numbers (medians) and writes bench/results/finetune-command.json.
//   npx tsx bench/finetune-command.ts [--images 20] [--runs 3] [--steps N]
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openProject } from '../electron/services/project';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const penn = resolve(process.env.MASKPILOT_SHARED ?? join(repoRoot, '../shared'), 'datasets/pennfudan');

function argument(name: string, fallback: number | undefined): number | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function preparedCopy(count: number): Promise<{ base: string; folder: string }> {
  const base = await mkdtemp(join(tmpdir(), 'maskpilot-bench-finetune-'));
  const folder = join(base, 'photos');
  await mkdir(folder);
  const coco = JSON.parse(await readFile(join(penn, 'annotations.json'), 'utf8'));
  const images = coco.images.slice(0, count);
  for (const image of images) await cp(join(penn, 'images', image.file_name), join(folder, image.file_name));
  const ids = new Set(images.map((image: { id: number }) => image.id));
  const project = await openProject(folder);
  await project.importCoco({ json: JSON.stringify({ ...coco, images, annotations: coco.annotations.filter((item: { image_id: number }) => ids.has(item.image_id)) }) });
  await project.close();
  return { base, folder };
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/maskpilot.mjs'), ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

const imageCount = argument('images', 20)!;
const runs = argument('runs', 3)!;
const steps = argument('steps', undefined);
const results = [];
for (let run = 1; run <= runs; run += 1) {
  const { base, folder } = await preparedCopy(imageCount);
  const load = loadavg()[0];
  const started = performance.now();
  const { code, stdout, stderr } = await runCli(['finetune', folder, '--json', ...(steps ? ['--steps', String(steps)] : [])]);
  const wallSeconds = (performance.now() - started) / 1000;
  await rm(base, { recursive: true, force: true });
  if (code !== 0) throw new Error(`run ${run}: exit ${code}: ${stderr}`);
  const outcome = JSON.parse(stdout.slice(stdout.indexOf('{')));
  const version = outcome.version;
  const result = {
    run,
    wallSeconds,
    trainingSeconds: version.training.seconds,
    steps: version.training.steps,
    positives: version.training.positives,
    heldOutImages: version.evaluation?.heldOutImages ?? 0,
    heldOutInstances: version.evaluation?.heldOutInstances ?? 0,
    ar100: version.evaluation?.ar100 ?? null,
    baselineAr100: version.evaluation?.baselineAr100 ?? null,
    ar10: version.evaluation?.ar10 ?? null,
    baselineAr10: version.evaluation?.baselineAr10 ?? null,
    adopted: outcome.adopted,
    decision: version.decision,
    loadAverageAtStart: load,
  };
  console.log(
    `run ${run}: ${wallSeconds.toFixed(1)} s wall (${result.trainingSeconds.toFixed(1)} s training, ${result.steps} steps); held-out AR@100 ${result.ar100?.toFixed(3)} vs ${result.baselineAr100?.toFixed(3)}; ${result.adopted ? 'adopted' : 'not adopted'}`,
  );
  results.push(result);
}
const summary = {
  bench: 'finetune-command',
  images: imageCount,
  runs,
  medianWallSeconds: median(results.map((result) => result.wallSeconds)),
  medianTrainingSeconds: median(results.map((result) => result.trainingSeconds)),
  medianAr100: median(results.map((result) => result.ar100 ?? 0)),
  medianBaselineAr100: median(results.map((result) => result.baselineAr100 ?? 0)),
  machine: { cpus: cpus().length, model: cpus()[0]?.model },
  date: new Date().toISOString(),
  results,
};
console.log(
  `median over ${runs} runs on ${imageCount} pennfudan images: ${summary.medianWallSeconds.toFixed(1)} s wall, ${summary.medianTrainingSeconds.toFixed(1)} s training; held-out AR@100 ${summary.medianAr100.toFixed(3)} vs ${summary.medianBaselineAr100.toFixed(3)} (bundled)`,
);
const out = join(repoRoot, 'bench/results/finetune-command.json');
await writeFile(out, `${JSON.stringify(summary, null, 2)}\n`);
console.log(`wrote ${out}`);

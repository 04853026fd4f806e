// Speed of the mask refiner on this machine's tfjs backend (wasm here): refining the mask logits of 1
// window (a click) and of 20 (the best proposals of an image), and one training step on a batch of 32
// windows (the refiner's gradients through the mask loss), for the product's refiner
// (electron/model/mask-refiner.ts: native depthwise conv with its own gradient) and for the same
// refiner written with shifted slices and plain autodiff (mask-refiner-reference.ts). Medians of
// --runs after one warm-up; random inputs of the real shapes. Writes bench/results/refiner-speed.json.
// Run: nice -n 10 npx tsx bench/refiner-speed.ts [--model DIR] [--runs 9]
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../electron/model/backend';
import { defaultModelDir } from '../electron/model/deepmask/model';
import { registerGradients } from '../electron/model/gradients';
import { loadHeads, withRefiner } from '../electron/model/heads';
import { REFINER_PARAMETER_NAMES } from '../electron/model/mask-refiner';
import { referenceRefiner } from '../electron/model/mask-refiner-reference';
import { maskLoss } from '../electron/model/training/loss';
import { registerFastMatMulGradient } from '../electron/model/training/matmul-gradient';
import { loadTrunk } from '../electron/model/trunk';
import { repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({ options: { model: { type: 'string' }, runs: { type: 'string', default: '9' }, out: { type: 'string', default: join(repoRoot, 'bench/results/refiner-speed.json') } } });
const runs = Number(values.runs);
const backend = await selectBackend();
await registerGradients();
registerFastMatMulGradient();
const loadStart = loadavg();
const loaded = await loadHeads(values.model ?? defaultModelDir());
let heads = loaded;
if (loaded.config.refineHidden === 0) {
  // Heads without a refiner get a 32-wide one (random weights: speed does not depend on their values).
  const trunk = await loadTrunk();
  heads = withRefiner(loaded, 32, trunk.fineChannels.stride8, trunk.fineChannels.stride4);
  trunk.dispose();
  loaded.dispose();
}
const { windowCells: cells, maskSize: size, refineHidden: hidden, refineChannels8, refineChannels4 } = heads.config;
const parameter = (name: string) => heads.refineVariables[REFINER_PARAMETER_NAMES.indexOf(name)];

async function median(work: () => Promise<void>): Promise<number> {
  await work();
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)] * 10) / 10;
}

function inputs(batch: number) {
  return {
    windows: tf.randomNormal([batch, cells, cells, heads.config.channels], 0, 1, 'float32', 1) as tf.Tensor4D,
    fine8: tf.randomNormal([batch, 2 * cells, 2 * cells, refineChannels8], 0, 1, 'float32', 2) as tf.Tensor4D,
    fine4: tf.randomNormal([batch, 4 * cells, 4 * cells, refineChannels4], 0, 1, 'float32', 3) as tf.Tensor4D,
    targets: tf.sign(tf.randomNormal([batch, size, size], 0, 1, 'float32', 4)) as tf.Tensor3D,
    labels: tf.ones([batch]) as tf.Tensor1D,
  };
}

type Refine = (coarse: tf.Tensor3D, fine8: tf.Tensor4D, fine4: tf.Tensor4D) => tf.Tensor3D;
const forms: Record<string, Refine> = {
  product: (coarse, fine8, fine4) => heads.refineMask(coarse, fine8, fine4),
  'sliced reference': (coarse, fine8, fine4) => referenceRefiner(parameter, hidden, coarse, fine8, fine4),
};
const results: Record<string, Record<string, number>> = {};
for (const [form, refine] of Object.entries(forms)) {
  results[form] = {};
  for (const batch of [1, 20]) {
    const input = inputs(batch);
    const coarse = heads.maskLogits(input.windows);
    results[form][`refine ${batch} window${batch > 1 ? 's' : ''} (ms)`] = await median(async () => {
      const out = tf.tidy(() => refine(coarse, input.fine8, input.fine4));
      await out.data();
      out.dispose();
    });
    tf.dispose([coarse, ...Object.values(input)]);
  }
  const input = inputs(32);
  results[form]['training step, 32 windows (ms)'] = await median(async () => {
    const { value, grads } = tf.variableGrads(
      () => tf.div(maskLoss(refine(heads.maskLogits(input.windows), input.fine8, input.fine4), input.targets, input.labels), 32) as tf.Scalar,
      heads.refineVariables,
    );
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  });
  tf.dispose(Object.values(input));
  process.stdout.write(`${form}: ${JSON.stringify(results[form])}\n`);
}
const ratios = Object.fromEntries(Object.keys(results.product).map((key) => [key, Math.round((results['sliced reference'][key] / results.product[key]) * 10) / 10]));
process.stdout.write(`speed-up (reference / product): ${JSON.stringify(ratios)}\n`);
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(
  values.out,
  `${JSON.stringify({ measuredAt: new Date().toISOString(), backend: backend.backend, refineHidden: hidden, runs, loadAverageAtStart: loadStart, loadAverageAtEnd: loadavg(), medians: results, speedUp: ratios }, null, 2)}\n`,
);
heads.dispose();

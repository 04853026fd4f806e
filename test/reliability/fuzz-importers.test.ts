// Fuzzing the importers in CI: thousands of seeded, structure-aware mutations of a valid COCO
// dataset, of annotation sidecars and project.json, and of PNG/JPEG/WebP files, through the real
// readers (parseCocoDataset, readCocoFile, the project store's sidecar reads, the image probe).
// Every case must end in a valid result or a clear error: an ApiError of the expected code whose
// message names what is wrong (a damaged sidecar also kept aside byte for byte). No crash, no
// stack overflow, no hang: each case is awaited and timed. Replay a failure with
// MASKPILOT_FUZZ_SEED=<seed>; bench/fuzz.ts runs far more cases.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { parseCocoDataset } from '../../shared/coco/validate';
import { parseAnnotationFile } from '../../electron/services/project/sidecar-store';
import { rectangleInstance } from '../../electron/services/project/test-helpers';
import { cocoFileTarget, cocoValueTarget, imageProbeTarget, projectOpenTarget, runFuzz, sidecarTarget, validCocoDataset } from './support/fuzz-targets';
import type { FuzzTarget } from './support/fuzz-targets';

const SEED = Number(process.env.MASKPILOT_FUZZ_SEED ?? 20261125);
/** Cases per target: ~6,800 in all, about 30 s on a loaded 2-core machine (file-backed cases cost ~10 ms). */
const CASES: Record<string, number> = { 'coco-parse': 4000, 'coco-file': 400, sidecar: 800, 'project-open': 60, 'image-probe': 1500 };
/** A case slower than this is a hang in the making (the slowest seen here is ~1.5 s under heavy load). */
const CASE_BOUND_MS = 20_000;

let workDir: string;
let targets: FuzzTarget[];

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'maskpilot-fuzz-'));
  targets = [cocoValueTarget(), cocoFileTarget(workDir), await sidecarTarget(workDir), await projectOpenTarget(workDir), await imageProbeTarget(workDir)];
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('seeded fuzzing of the importers', () => {
  test.each(Object.keys(CASES))('%s: every mutated input gives a valid result or a clear error', { timeout: 300_000 }, async (name) => {
    const target = targets.find((candidate) => candidate.name === name) as FuzzTarget;
    let current = '';
    const stats = await runFuzz([target], SEED, { [name]: CASES[name] }, (_target, index) => (current = `${name} #${index}`));
    const outcomes = stats.outcomes[name];
    console.log(
      `fuzz ${name}: seed ${SEED}, ${stats.cases} cases in ${(stats.elapsedMs / 1000).toFixed(1)} s, outcomes ${JSON.stringify(outcomes)}, ` +
        `slowest ${stats.slowestCaseMs.toFixed(0)} ms (${stats.slowestCase}), failures ${stats.failures.length}`,
    );
    for (const failure of stats.failures.slice(0, 10)) console.log(`  FAILED ${failure.target} #${failure.index} [${failure.description}]: ${failure.error}`);
    expect(current).toBe(`${name} #${CASES[name] - 1}`);
    expect(stats.failures).toEqual([]);
    expect(stats.cases).toBe(CASES[name]);
    expect(stats.slowestCaseMs).toBeLessThan(CASE_BOUND_MS);
    // The fuzzer must exercise both sides: many inputs refused, some still valid after mutation
    // (about half of the damaged images still decode: a flipped bit in pixel data is still an image).
    const refused = Object.entries(outcomes).filter(([outcome]) => outcome !== 'ok').reduce((sum, [, count]) => sum + count, 0);
    expect(refused).toBeGreaterThan(CASES[name] / 5);
    expect(outcomes.ok ?? 0).toBeGreaterThan(0);
  });

  test('the same seed replays the same cases', async () => {
    const first = await runFuzz([cocoValueTarget()], 7, { 'coco-parse': 200 });
    const again = await runFuzz([cocoValueTarget()], 7, { 'coco-parse': 200 });
    expect(again.outcomes).toEqual(first.outcomes);
    const other = await runFuzz([cocoValueTarget()], 8, { 'coco-parse': 200 });
    expect(other.outcomes).not.toEqual(first.outcomes);
  });
});

describe('messages the fuzzer found unhelpful (fixed)', () => {
  test('a missing RLE counts is "nothing", not "a undefined"', () => {
    const dataset = validCocoDataset();
    delete (dataset.annotations[2].segmentation as { counts?: unknown }).counts;
    const error = (() => {
      try {
        parseCocoDataset(dataset);
      } catch (caught) {
        return caught as ApiError;
      }
      throw new Error('accepted');
    })();
    expect(error.code).toBe('INVALID_COCO');
    expect(error.message).toBe("annotations[2] (id 3): RLE 'counts' must be a string or an array of integers, got nothing");
  });

  test('a sidecar whose imageId is missing or not a string says so', () => {
    const file = { version: 1, width: 8, height: 8, status: 'done', revision: 1, instances: [rectangleInstance('a', 8, 8)] };
    expect(() => parseAnnotationFile(JSON.stringify(file), 'x.jpg')).toThrow('imageId is missing or not a string');
    expect(() => parseAnnotationFile(JSON.stringify({ ...file, imageId: [{}] }), 'x.jpg')).toThrow('imageId is missing or not a string');
    expect(() => parseAnnotationFile(JSON.stringify({ ...file, imageId: 'y.jpg' }), 'x.jpg')).toThrow("belongs to image 'y.jpg', expected 'x.jpg'");
  });
});

describe('slow cases the fuzzer found (fixed)', () => {
  test('a cut-off PNG whose damaged header claims 4194341x23 is probed in seconds, not minutes', { timeout: 120_000 }, async () => {
    // bench/fuzz.ts seed 42, image-probe #236: one flipped bit in the IHDR width, then cut off.
    const { writeFile } = await import('node:fs/promises');
    const { probeImage } = await import('../../electron/services/project/image-probe');
    const { baseImages } = await import('./support/fuzz-targets');
    const { setPngHeader } = await import('./support/fuzz');
    const alpha = (await baseImages()).find((image) => image.name === 'alpha.png') as { bytes: Uint8Array };
    const wide = setPngHeader(alpha.bytes, { width: 4_194_341 }, false) as Uint8Array;
    const path = join(workDir, 'wide-cut.png');
    await writeFile(path, wide.subarray(0, 511));
    const started = performance.now();
    const result = await probeImage(path);
    const elapsed = performance.now() - started;
    console.log(`wide cut-off PNG probed in ${elapsed.toFixed(0)} ms: ${JSON.stringify(result)}`);
    expect(result.problem?.code).toBe('TRUNCATED');
    // Was 90 s of CPU (250 s under load); now about 3 s. Generous for a loaded machine.
    expect(elapsed).toBeLessThan(45_000);
  });
});

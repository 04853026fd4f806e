// The importers under fuzz, shared by the CI test (test/reliability/fuzz-importers.test.ts) and
// the long run (bench/fuzz.ts). Each target starts from a valid input, damages it with the seeded
// mutators of ./fuzz, feeds it to the real reader and classifies what came back:
//   ok            the reader accepted it and what it returned is well-formed
//   <error code>  an ApiError with a known code and a message that says what is wrong
// Anything else (a TypeError, a RangeError, a non-ApiError, an error without a useful message, a
// result of the wrong shape, a file overwritten) is a failure, reported with the case's seed.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { ApiError } from '../../../shared/api/errors';
import type { ApiErrorCode } from '../../../shared/api/errors';
import { parseCocoDataset } from '../../../shared/coco/validate';
import type { CocoDataset } from '../../../shared/coco/schema';
import { caseSeed, mutateBytes, mutateImageHeader, mutateJson, Random } from './fuzz';
import { polygonsToRle } from '../../../shared/geometry/polygon-raster';
import { toCocoRle } from '../../../shared/geometry/rle-string';
import { readCocoFile } from '../../../electron/services/coco-file';
import { probeImage } from '../../../electron/services/project/image-probe';
import { parseProjectFile, SidecarStore } from '../../../electron/services/project/sidecar-store';
import { rectangleInstance } from '../../../electron/services/project/test-helpers';

export type Outcome = 'ok' | ApiErrorCode | `problem:${string}`;

export interface FuzzFailure {
  target: string;
  seed: number;
  index: number;
  description: string;
  error: string;
}

export interface FuzzTarget {
  name: string;
  /**
   * Runs case `index` of the run seeded `seed` and returns its outcome; throws Misbehaviour when
   * the reader misbehaved. `note` records what the case did, first thing, for failure reports.
   */
  run(seed: number, index: number, note: (description: string) => void): Promise<Outcome>;
}

/** Thrown by a target when the reader misbehaved; the runner records it with the case's seed. */
export class Misbehaviour extends Error {}

const MESSAGE_MIN_LENGTH = 12;

/** A clear error: an ApiError of an expected code whose message names the problem. */
function classifyError(error: unknown, allowed: readonly ApiErrorCode[]): Outcome {
  if (!(error instanceof ApiError)) {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Misbehaviour(`threw a non-ApiError (${text.slice(0, 300)})`);
  }
  if (!allowed.includes(error.code)) throw new Misbehaviour(`unexpected code ${error.code}: ${error.message.slice(0, 300)}`);
  if (error.message.length < MESSAGE_MIN_LENGTH || /\ba undefined\b|'undefined'|\[object Object\]/.test(error.message)) {
    throw new Misbehaviour(`unhelpful message for ${error.code}: ${JSON.stringify(error.message.slice(0, 300))}`);
  }
  return error.code;
}

/** A small valid dataset touching every feature the validator checks. */
export function validCocoDataset(): CocoDataset {
  const square = [4, 4, 20, 4, 20, 20, 4, 20];
  const compressed = toCocoRle(polygonsToRle([square], 32, 48));
  return {
    info: { description: 'fuzz base', version: '1' },
    licenses: [{ id: 1, name: 'CC0', url: 'https://creativecommons.org/publicdomain/zero/1.0/' }],
    images: [
      { id: 1, file_name: 'a.jpg', width: 48, height: 32 },
      { id: 2, file_name: 'dir/b.png', width: 48, height: 32, license: 1 },
    ],
    categories: [
      { id: 1, name: 'cat', supercategory: 'animal' },
      { id: 7, name: 'dog' },
    ],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, segmentation: [square], area: 256, bbox: [4, 4, 16, 16], iscrowd: 0 },
      { id: 2, image_id: 1, category_id: 7, segmentation: compressed, area: 256, bbox: [4, 4, 16, 16], iscrowd: 0 },
      { id: 3, image_id: 2, category_id: 1, segmentation: { size: [32, 48], counts: [100, 50, 1386] }, area: 50, bbox: [3, 4, 2, 28], iscrowd: 1 },
    ],
  } as CocoDataset;
}

function assertDataset(value: CocoDataset): void {
  if (!Array.isArray(value.images) || !Array.isArray(value.annotations) || !Array.isArray(value.categories)) {
    throw new Misbehaviour('parseCocoDataset accepted a dataset without its three lists');
  }
}

/** Mutated COCO values straight into parseCocoDataset (fast: no file system). */
export function cocoValueTarget(): FuzzTarget {
  const base = validCocoDataset();
  parseCocoDataset(base); // the base must be valid, or every case would be an error
  return {
    name: 'coco-parse',
    async run(seed, index, note) {
      const mutation = mutateJson(base, new Random(caseSeed(seed, index)), { textProbability: 0 });
      note(mutation.description);
      let dataset: CocoDataset;
      try {
        dataset = parseCocoDataset(mutation.value);
      } catch (error) {
        return classifyError(error, ['INVALID_COCO']);
      }
      assertDataset(dataset);
      return 'ok';
    },
  };
}

/** Mutated COCO text (including text-level damage) written to a file and read with readCocoFile. */
export function cocoFileTarget(workDir: string): FuzzTarget {
  const base = validCocoDataset();
  const path = join(workDir, 'fuzz-dataset.json');
  return {
    name: 'coco-file',
    async run(seed, index, note) {
      const mutation = mutateJson(base, new Random(caseSeed(seed, index)), { textProbability: 0.6 });
      note(mutation.description);
      await writeFile(path, mutation.text);
      let dataset: CocoDataset;
      try {
        dataset = await readCocoFile(path);
      } catch (error) {
        const outcome = classifyError(error, ['INVALID_COCO']);
        if (!(error as ApiError).message.includes('fuzz-dataset.json')) throw new Misbehaviour(`error does not name the file: ${(error as ApiError).message}`);
        return outcome;
      }
      assertDataset(dataset);
      return 'ok';
    },
  };
}

/**
 * Mutated annotation sidecars read through the project store. A damaged file must come back as
 * CORRUPT_FILE with the file kept aside byte for byte (or, for a newer format version, left in
 * place untouched); a file that still reads must hold well-formed annotations.
 */
export async function sidecarTarget(workDir: string): Promise<FuzzTarget> {
  const root = join(workDir, 'sidecar-project');
  await mkdir(root, { recursive: true });
  const store = new SidecarStore(root);
  await store.prepare();
  const imageId = 'photos/one.jpg';
  const base = {
    version: 1,
    imageId,
    width: 64,
    height: 48,
    status: 'done',
    revision: 3,
    instances: [rectangleInstance('a', 64, 48), rectangleInstance('b', 64, 48, { categoryId: 2, status: 'edited', source: 'click', score: 0.75 })],
  };
  const path = store.annotationPath(imageId);
  const projectBase = { version: 1, categories: [{ id: 2, name: 'dog', color: '#ff0000' }], nextCategoryId: 3, settings: { autosave: true } };
  return {
    name: 'sidecar',
    async run(seed, index, note) {
      const random = new Random(caseSeed(seed, index));
      // One case in eight damages project.json instead (read on every open).
      if (random.chance(0.125)) {
        const mutation = mutateJson(projectBase, random, { textProbability: 0.4 });
        note(`project.json: ${mutation.description}`);
        await rm(store.projectPath, { force: true });
        await writeFile(store.projectPath, mutation.text);
        let read: Awaited<ReturnType<SidecarStore['readProject']>>;
        try {
          read = await store.readProject();
        } catch (error) {
          // Only a newer format version is refused outright, and then the file stays as it was.
          const outcome = classifyError(error, ['CORRUPT_FILE']);
          if ((await readFile(store.projectPath, 'utf8')) !== mutation.text) throw new Misbehaviour('a refused project.json was modified');
          return outcome;
        }
        if (!Array.isArray(read.project.categories) || !Number.isSafeInteger(read.project.nextCategoryId)) throw new Misbehaviour('project.json read with a bad shape');
        if (read.warning === null) return 'ok';
        const outcome = classifyError(read.warning, ['CORRUPT_FILE']);
        await expectKeptAside(read.warning, store.projectPath, mutation.text);
        return outcome;
      }
      const mutation = mutateJson(base, random, { textProbability: 0.4 });
      note(mutation.description);
      await rm(path, { force: true });
      await writeFile(path, mutation.text);
      let read: Awaited<ReturnType<SidecarStore['readAnnotations']>>;
      try {
        read = await store.readAnnotations(imageId);
      } catch (error) {
        const outcome = classifyError(error, ['CORRUPT_FILE']);
        await expectKeptAside(error as ApiError, path, mutation.text);
        return outcome;
      }
      if (read === null || read.imageId !== imageId || !Array.isArray(read.instances) || !(read.revision >= 1)) {
        throw new Misbehaviour(`read a sidecar with a bad shape: ${JSON.stringify(read)?.slice(0, 200)}`);
      }
      return 'ok';
    },
  };
}

/**
 * A CORRUPT_FILE error either kept the file aside byte for byte (and nothing is left in its
 * place) or, with no keptAs (a newer format version), left the file exactly as it was.
 */
async function expectKeptAside(error: ApiError, path: string, text: string): Promise<void> {
  const keptAs = error.details?.keptAs;
  if (typeof keptAs === 'string') {
    if ((await readFile(keptAs, 'utf8')) !== text) throw new Misbehaviour('the kept-aside file differs from the damaged file');
    if ((await readFile(path, 'utf8').catch(() => null)) !== null) throw new Misbehaviour('the damaged file was kept aside but something is in its place');
    if (!error.message.includes(keptAs)) throw new Misbehaviour('the message does not say where the file was kept');
    await rm(keptAs);
  } else if ((await readFile(path, 'utf8')) !== text) {
    throw new Misbehaviour('a refused file that was not kept aside was modified');
  }
}

/**
 * A mutated sidecar met the way a user meets it: open the project (the listing reads sidecar
 * summaries), read the image's annotations, then save. The damaged file must be reported as
 * CORRUPT_FILE and kept aside untouched, the project must keep working (the save succeeds), and
 * nothing may throw anything else.
 */
export async function projectOpenTarget(workDir: string): Promise<FuzzTarget> {
  const { openProject } = await import('../../../electron/services/project/project-service');
  const root = join(workDir, 'open-project');
  await mkdir(root, { recursive: true });
  await sharp({ create: { width: 64, height: 48, channels: 3, background: '#406080' } }).jpeg().toFile(join(root, 'one.jpg'));
  const imageId = 'one.jpg';
  const store = new SidecarStore(root);
  const base = {
    version: 1,
    imageId,
    width: 64,
    height: 48,
    status: 'done',
    revision: 2,
    instances: [rectangleInstance('a', 64, 48), rectangleInstance('b', 64, 48, { status: 'edited', source: 'click', score: 0.5 })],
  };
  return {
    name: 'project-open',
    async run(seed, index, note) {
      // Case 0 is the unmodified file: the control that the happy path really goes through.
      const mutation = index === 0 ? { description: 'unmodified (control)', text: JSON.stringify(base) } : mutateJson(base, new Random(caseSeed(seed, index)), { textProbability: 0.4 });
      note(mutation.description);
      await store.prepare();
      for (const name of await readdir(store.annotationsDirectory)) await rm(join(store.annotationsDirectory, name), { force: true });
      await writeFile(store.annotationPath(imageId), mutation.text);
      const project = await openProject(root);
      try {
        const listed = await project.listImages({ offset: 0, limit: 10 });
        if (listed.total !== 1) throw new Misbehaviour(`listing shows ${listed.total} images`);
        let outcome: Outcome = 'ok';
        let revision = 0;
        try {
          revision = (await project.getAnnotations({ imageId })).revision;
        } catch (error) {
          outcome = classifyError(error, ['CORRUPT_FILE']);
          const keptAs = (error as ApiError).details?.keptAs;
          if (typeof keptAs === 'string' && (await readFile(keptAs, 'utf8')) !== mutation.text) throw new Misbehaviour('kept-aside file differs');
          if (keptAs === null && (await readFile(store.annotationPath(imageId), 'utf8')) !== mutation.text) throw new Misbehaviour('refused file was modified');
          if (keptAs === null) return outcome; // a newer format version: left alone, not editable here
          revision = (await project.getAnnotations({ imageId })).revision;
          if (revision !== 0) throw new Misbehaviour(`after a corrupt sidecar the image reads as revision ${revision}`);
        }
        const saved = await project.saveAnnotations({ imageId, instances: [rectangleInstance('new', 64, 48)], baseRevision: revision });
        if (saved.revision !== revision + 1) throw new Misbehaviour(`save after reading revision ${revision} gave ${saved.revision}`);
        return outcome;
      } finally {
        await project.close();
      }
    },
  };
}

/** Small valid images of every probed format, the seeds of the image-header target. */
export async function baseImages(): Promise<{ name: string; bytes: Uint8Array }[]> {
  const pixels = Buffer.alloc(37 * 23 * 3);
  for (let index = 0; index < pixels.length; index += 1) pixels[index] = (index * 31) % 256;
  const raw = () => sharp(pixels, { raw: { width: 37, height: 23, channels: 3 } });
  return [
    { name: 'rgb.png', bytes: await raw().png().toBuffer() },
    { name: 'alpha.png', bytes: await raw().ensureAlpha(0.5).png().toBuffer() },
    { name: 'interlaced.png', bytes: await raw().png({ progressive: true }).toBuffer() },
    { name: 'baseline.jpg', bytes: await raw().jpeg().toBuffer() },
    { name: 'progressive.jpg', bytes: await raw().jpeg({ progressive: true }).toBuffer() },
    { name: 'rotated.jpg', bytes: await raw().jpeg().withMetadata({ orientation: 6 }).toBuffer() },
    { name: 'lossy.webp', bytes: await raw().webp().toBuffer() },
    { name: 'lossless.webp', bytes: await raw().webp({ lossless: true }).toBuffer() },
  ];
}

/** Mutated image bytes (header-aware and blind) through the image probe used when a folder opens. */
export async function imageProbeTarget(workDir: string): Promise<FuzzTarget> {
  const images = await baseImages();
  const folder = join(workDir, 'images');
  await mkdir(folder, { recursive: true });
  const problemCodes = new Set(['EMPTY_FILE', 'NOT_AN_IMAGE', 'TRUNCATED', 'TOO_LARGE', 'UNREADABLE', 'BROKEN_LINK', 'DECODE_FAILED']);
  return {
    name: 'image-probe',
    async run(seed, index, note) {
      const random = new Random(caseSeed(seed, index));
      const base = random.pick(images);
      let mutation = random.chance(0.4) ? mutateImageHeader(base.bytes, random) : null;
      if (mutation === null || random.chance(0.3)) {
        const damaged = mutateBytes(mutation?.bytes ?? base.bytes, random);
        mutation = { description: [mutation?.description, damaged.description].filter(Boolean).join('; '), bytes: damaged.bytes };
      }
      note(`${base.name}: ${mutation.description}`);
      const path = join(folder, base.name);
      await writeFile(path, mutation.bytes);
      let result: Awaited<ReturnType<typeof probeImage>>;
      try {
        result = await probeImage(path);
      } catch (error) {
        throw new Misbehaviour(`probeImage threw (it must never throw): ${String(error)}`);
      }
      if (result.problem) {
        if (!problemCodes.has(result.problem.code)) throw new Misbehaviour(`unknown problem code ${result.problem.code}`);
        if (result.problem.message.length < MESSAGE_MIN_LENGTH) throw new Misbehaviour(`unhelpful problem message ${JSON.stringify(result.problem.message)}`);
        return `problem:${result.problem.code}`;
      }
      const { width, height } = result;
      if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
        throw new Misbehaviour(`probe returned a bogus size ${width}x${height}`);
      }
      return 'ok';
    },
  };
}

export interface FuzzStats {
  seed: number;
  cases: number;
  elapsedMs: number;
  /** Slowest single case (ms) and which it was. */
  slowestCaseMs: number;
  slowestCase: string;
  outcomes: Record<string, Record<string, number>>;
  failures: FuzzFailure[];
}

/**
 * Runs `casesPerTarget` cases of each target, in order, seeded. Each case is timed; cases are
 * awaited one by one, so a hang shows up as the case in progress when the caller's timeout fires
 * (`onCase` reports progress for that).
 */
export async function runFuzz(
  targets: FuzzTarget[],
  seed: number,
  casesPerTarget: Record<string, number>,
  onCase?: (target: string, index: number) => void,
): Promise<FuzzStats> {
  const stats: FuzzStats = { seed, cases: 0, elapsedMs: 0, slowestCaseMs: 0, slowestCase: '', outcomes: {}, failures: [] };
  const started = performance.now();
  for (const target of targets) {
    const counts: Record<string, number> = (stats.outcomes[target.name] = {});
    const cases = casesPerTarget[target.name] ?? 0;
    for (let index = 0; index < cases; index += 1) {
      onCase?.(target.name, index);
      const caseStart = performance.now();
      let outcome: Outcome;
      let description = '';
      try {
        outcome = await target.run(seed, index, (text) => (description = text));
      } catch (error) {
        outcome = 'INTERNAL';
        stats.failures.push({ target: target.name, seed, index, description, error: error instanceof Error ? error.message : String(error) });
        counts.failure = (counts.failure ?? 0) + 1;
      }
      const caseMs = performance.now() - caseStart;
      if (caseMs > stats.slowestCaseMs) {
        stats.slowestCaseMs = caseMs;
        stats.slowestCase = `${target.name} #${index} (${description.slice(0, 120)})`;
      }
      if (outcome !== 'INTERNAL') counts[outcome] = (counts[outcome] ?? 0) + 1;
      stats.cases += 1;
    }
  }
  stats.elapsedMs = performance.now() - started;
  return stats;
}

/** Removes what the targets wrote. */
export async function cleanFuzzDir(workDir: string): Promise<void> {
  for (const name of await readdir(workDir).catch(() => [] as string[])) await rm(join(workDir, name), { recursive: true, force: true });
}

// Crash safety through the real headless host: a child process serving a temp folder receives a
// stream of annotation edits (and category edits) over the WebSocket API from several concurrent
// writers, and is killed with SIGKILL at seeded random moments - mid-stream, and sometimes while
// it is still starting. After every kill, straight from disk, every acknowledged edit must be
// there (its revision or, if a newer save was in flight, that one) and every sidecar file must
// parse; after every restart the API must return the same. Edits lost must be 0.
//   MASKPILOT_CRASH_KILLS=200 MASKPILOT_CRASH_SEED=7 npx vitest run test/reliability/crash-kills.test.ts
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { Random } from './support/fuzz';
import { isAtomicTempFile } from '../../electron/services/atomic-write';
import { parseAnnotationFile, parseProjectFile, SidecarStore } from '../../electron/services/project/sidecar-store';
import { connectApi } from '../support/host';
import { testResultsDir } from '../support/browser';
import { buildHostBundle, killHard, launchHost, spawnHost } from './support/host-launcher';
import type { BundledHost } from './support/host-launcher';
import { EditModel, rectangleEdit } from './support/edit-model';

const KILLS = Number(process.env.MASKPILOT_CRASH_KILLS ?? 50);
const SEED = Number(process.env.MASKPILOT_CRASH_SEED ?? 20261125);
const IMAGE_COUNT = 8;
const WIDTH = 96;
const HEIGHT = 64;
/** Concurrent writers per host life; each owns its images, so at most one save per image is in flight. */
const WRITERS = 4;
/** Edits stream for a random 0..EDIT_WINDOW_MS before the kill (restart time dominates the test). */
const EDIT_WINDOW_MS = 700;
/** Share of kills that hit the host while it is still starting (opening the folder, cleaning temp files). */
const STARTUP_KILL_SHARE = 0.1;
const TOKEN = 'crash-test-token-0123456789abcdef';

let base: string;
let folder: string;
let bundle: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'maskpilot-crash-kills-'));
  folder = join(base, 'photos');
  await mkdir(join(folder, 'nested'), { recursive: true });
  for (let index = 0; index < IMAGE_COUNT; index += 1) {
    const name = index % 3 === 2 ? `nested/photo ${index}.jpg` : `photo-${index}.jpg`;
    await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: { r: 40 * index, g: 120, b: 200 - 20 * index } } })
      .jpeg()
      .toFile(join(folder, name));
  }
  bundle = await buildHostBundle();
});

afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
  if (bundle) await rm(bundle, { force: true });
});

/** Every file of the sidecar folder that is not a temp file must parse (as its kind requires). */
async function checkSidecarFiles(store: SidecarStore): Promise<{ files: number; corrupt: string[] }> {
  const corrupt: string[] = [];
  let files = 0;
  for (const name of await readdir(store.directory)) {
    if (name.includes('.corrupt-')) corrupt.push(name);
    if (!name.endsWith('.json') || isAtomicTempFile(name)) continue;
    files += 1;
    const text = await readFile(join(store.directory, name), 'utf8');
    if (name === 'project.json') parseProjectFile(text);
    else JSON.parse(text);
  }
  for (const name of await readdir(store.annotationsDirectory)) {
    if (name.includes('.corrupt-')) corrupt.push(name);
    if (!name.endsWith('.json') || isAtomicTempFile(name)) continue;
    files += 1;
    const text = await readFile(join(store.annotationsDirectory, name), 'utf8');
    const { imageId } = JSON.parse(text) as { imageId: string };
    parseAnnotationFile(text, imageId);
  }
  return { files, corrupt };
}

/** Streams edits until the connection drops; returns how many saves were acknowledged. */
async function streamEdits(host: BundledHost, model: EditModel, imageIds: string[], random: Random, life: number): Promise<{ acked: number; errors: string[] }> {
  const api = await connectApi(host.url);
  let acked = 0;
  const errors: string[] = [];
  const writer = async (writerIndex: number) => {
    const owned = imageIds.filter((_, index) => index % WRITERS === writerIndex);
    const writerRandom = random.fork();
    for (let step = 0; ; step += 1) {
      const imageId = owned[step % owned.length];
      try {
        if (writerIndex === 0 && step % 8 === 7) {
          const name = `category ${life}-${step}`;
          model.categoryInFlight(name);
          await api.saveCategory({ name });
          model.categoryAcknowledged(name);
        } else {
          const edit = rectangleEdit(`l${life}-s${step}-w${writerIndex}`, WIDTH, HEIGHT, writerRandom);
          const baseRevision = model.revisionOf(imageId);
          model.saveInFlight(imageId, baseRevision + 1, edit);
          const { revision } = await api.saveAnnotations({ imageId, instances: edit.instances, status: edit.status, baseRevision });
          model.saveAcknowledged(imageId, revision);
          acked += 1;
        }
      } catch (error) {
        if (error instanceof ApiError && error.code === 'DISCONNECTED') return;
        errors.push(error instanceof Error ? error.message : String(error));
        return;
      }
    }
  };
  const writers = Array.from({ length: WRITERS }, (_, index) => writer(index));
  await new Promise((resolve) => setTimeout(resolve, random.int(0, EDIT_WINDOW_MS)));
  await host.kill();
  await Promise.all(writers);
  api.close();
  return { acked, errors };
}

test(`${KILLS} SIGKILLs of the host mid-edit-stream lose no acknowledged edit`, { timeout: 1_800_000 }, async () => {
  const random = new Random(SEED);
  const store = new SidecarStore(folder);
  const model = new EditModel();
  const startTimes: number[] = [];
  const report = { kills: 0, startupKills: 0, ackedEdits: 0, editsLost: 0, inFlightLanded: 0, inFlightLost: 0, filesChecked: 0, corruptFiles: 0, errors: [] as string[] };
  let imageIds: string[] = [];

  let host = await launchHost(bundle, folder, { token: TOKEN });
  startTimes.push(host.startMs);
  {
    const api = await connectApi(host.url);
    imageIds = (await api.listImages({ offset: 0, limit: 100 })).images.map((image) => image.id);
    api.close();
  }
  expect(imageIds).toHaveLength(IMAGE_COUNT);

  while (report.kills < KILLS) {
    const life = report.kills;
    if (life > 0 && random.chance(STARTUP_KILL_SHARE)) {
      // Kill while it starts: after a random part of a typical start-up time.
      const child = spawnHost(bundle, folder, { token: TOKEN });
      const typical = startTimes.reduce((sum, ms) => sum + ms, 0) / startTimes.length;
      await new Promise((resolve) => setTimeout(resolve, random.int(0, Math.round(typical))));
      await killHard(child);
      report.startupKills += 1;
    } else {
      if (life > 0) {
        host = await launchHost(bundle, folder, { token: TOKEN });
        startTimes.push(host.startMs);
        // The API after a restart: every acknowledged edit (or the one in flight) is served.
        const api = await connectApi(host.url);
        for (const imageId of imageIds) model.reconcile(imageId, await api.getAnnotations({ imageId }));
        model.reconcileCategories((await api.listCategories({})).map((category) => category.name));
        api.close();
      }
      const { acked, errors } = await streamEdits(host, model, imageIds, random, life);
      report.ackedEdits += acked;
      report.errors.push(...errors);
    }
    report.kills += 1;

    // Straight from disk, before anything restarts: every file parses, nothing acknowledged is missing.
    const { files, corrupt } = await checkSidecarFiles(store);
    report.filesChecked += files;
    report.corruptFiles += corrupt.length;
    for (const imageId of imageIds) {
      const text = await readFile(store.annotationPath(imageId), 'utf8').catch(() => null);
      model.checkOnDisk(imageId, text === null ? null : parseAnnotationFile(text, imageId));
    }
    const projectText = await readFile(store.projectPath, 'utf8').catch(() => null); // absent until the first category
    model.checkCategoriesOnDisk(projectText === null ? [] : parseProjectFile(projectText).categories.map((category) => category.name));
  }

  // One last life, stopped gracefully: the API agrees with the disk.
  host = await launchHost(bundle, folder, { token: TOKEN });
  startTimes.push(host.startMs);
  const api = await connectApi(host.url);
  for (const imageId of imageIds) model.reconcile(imageId, await api.getAnnotations({ imageId }));
  model.reconcileCategories((await api.listCategories({})).map((category) => category.name));
  api.close();
  expect(await host.stop()).toBe(0);

  Object.assign(report, model.summary());
  const sorted = [...startTimes].sort((a, b) => a - b);
  const summary = {
    seed: SEED,
    ...report,
    errors: report.errors.slice(0, 10),
    hostStarts: startTimes.length,
    startMsMedian: Math.round(sorted[Math.floor(sorted.length / 2)]),
    startMsMax: Math.round(sorted[sorted.length - 1]),
  };
  console.log(
    `crash-kills: ${summary.kills} SIGKILLs survived (${summary.startupKills} during start-up), ${summary.ackedEdits} acknowledged edits, ` +
      `edits lost ${summary.editsLost}, in-flight saves that landed ${summary.inFlightLanded}, sidecar files checked ${summary.filesChecked}, ` +
      `corrupt ${summary.corruptFiles}, host start median ${summary.startMsMedian} ms (max ${summary.startMsMax}), seed ${SEED}`,
  );
  await mkdir(testResultsDir, { recursive: true });
  await writeFile(join(testResultsDir, 'reliability-crash-kills.json'), `${JSON.stringify(summary, null, 2)}\n`);

  expect(model.problems()).toEqual([]);
  expect(summary.errors).toEqual([]);
  expect(summary.editsLost).toBe(0);
  expect(summary.corruptFiles).toBe(0);
  expect(summary.kills).toBeGreaterThanOrEqual(KILLS);
  // The test must really have edited: on average several acknowledged saves per host life.
  expect(summary.ackedEdits).toBeGreaterThan(KILLS);
});

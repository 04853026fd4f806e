// Kills a child that saves annotations in a loop with SIGKILL at seeded random moments (~20 times)
// and checks after each kill: every sidecar file parses and has a valid shape, no temp file
// survives the next open, and what is on disk is the last acknowledged save or the one in flight.
import { spawn } from 'node:child_process';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { repoRoot } from '../../../test/support/shared-data';
import { isAtomicTempFile } from '../atomic-write';
import { openProject } from './project-service';
import { parseAnnotationFile, parseProjectFile, SidecarStore } from './sidecar-store';
import { makeTempFolder, writeImage } from './test-helpers';

const KILLS = 20;
const SEED = 20261125;

/** mulberry32: a small seeded PRNG so a failing kill schedule can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let folder: string;

beforeAll(async () => {
  folder = await makeTempFolder('maskpilot-crash-');
  await writeImage(join(folder, 'one.jpg'), 64, 48);
  await writeImage(join(folder, 'nested/two.png'), 32, 32);
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Runs the writer until it has acknowledged a few saves, waits a random delay, SIGKILLs it. */
async function runAndKill(delayMs: number): Promise<Map<string, number>> {
  const script = join(repoRoot, 'electron/services/project/test-children/crash-writer.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, folder], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const acked = new Map<string, number>();
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() as string; // a partial line is not an acknowledgement yet
      for (const line of lines) {
        const [imageId, revision] = line.split(' ');
        acked.set(imageId, Number(revision));
      }
      if (acked.size === 2) resolve();
    });
    void exited.then(() => reject(new Error(`writer exited early: ${stderr}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return acked;
}

test(`sidecars survive ${KILLS} SIGKILLs mid-save: always parseable, never behind an acknowledged save`, { timeout: 480_000 }, async () => {
  const next = random(SEED);
  const store = new SidecarStore(folder);
  const lastAcked = new Map<string, number>();
  let tempFilesSeen = 0;
  for (let kill = 0; kill < KILLS; kill += 1) {
    const acked = await runAndKill(Math.floor(next() * 300));
    for (const [imageId, revision] of acked) lastAcked.set(imageId, revision);

    const annotationFiles = await readdir(store.annotationsDirectory);
    tempFilesSeen += annotationFiles.filter(isAtomicTempFile).length;
    parseProjectFile(await readFile(store.projectPath, 'utf8'));
    for (const [imageId, ackedRevision] of lastAcked) {
      const onDisk = parseAnnotationFile(await readFile(store.annotationPath(imageId), 'utf8'), imageId);
      // The save in flight may have landed after its acknowledgement was printed: one ahead at most.
      expect([ackedRevision, ackedRevision + 1]).toContain(onDisk.revision);
      expect(onDisk.instances).toHaveLength(30);
      expect(onDisk.instances.every((instance) => instance.id.startsWith(`rev-${onDisk.revision}-`))).toBe(true);
      lastAcked.set(imageId, onDisk.revision);
    }
    // Opening the project cleans up temp files the killed writer left behind.
    const project = await openProject(folder);
    await project.close();
    expect((await readdir(store.annotationsDirectory)).filter(isAtomicTempFile)).toEqual([]);
    expect((await readdir(store.directory)).filter(isAtomicTempFile)).toEqual([]);
  }
  expect(Math.min(...lastAcked.values())).toBeGreaterThan(KILLS);
  console.log(`crash-safety: ${KILLS} kills, final revisions ${JSON.stringify(Object.fromEntries(lastAcked))}, temp files left by kills: ${tempFilesSeen}`);
});

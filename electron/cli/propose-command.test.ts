import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { parseCocoProposals } from '../../shared/coco/results';
import { parseCocoDataset } from '../../shared/coco/validate';
import { createHeads } from '../model/heads';
import { selectBackend } from '../model/backend';
import { main } from './main';

// Narrow untrained heads: these tests check the commands' plumbing, not the model's quality.
const NARROW = { sharedChannels: 16, maskReduceChannels: 8, maskBottleneck: 32, scoreReduceChannels: 8, scoreHidden: 16 };
let dir: string;
let weights: string;
let stdout = '';
let stderr = '';

beforeAll(async () => {
  await selectBackend();
  dir = await mkdtemp(join(tmpdir(), 'maskpilot-propose-'));
  weights = join(dir, 'weights');
  const heads = createHeads(NARROW, 2);
  await heads.save(weights, { version: 'cli-test-1' });
  heads.dispose();
  await mkdir(join(dir, 'photos/sub'), { recursive: true });
  await sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 250, g: 10, b: 10 } } }).jpeg().toFile(join(dir, 'photos/a.jpg'));
  await sharp({ create: { width: 50, height: 70, channels: 3, background: { r: 10, g: 250, b: 10 } } }).png().toFile(join(dir, 'photos/sub/b.png'));
  await writeFile(join(dir, 'photos/notes.txt'), 'not an image');
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.restoreAllMocks();
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
});

describe('maskpilot propose', () => {
  test('writes a scored COCO dataset that the evaluator accepts, and names the backend', async () => {
    const out = join(dir, 'proposals.json');
    const code = await main(['propose', join(dir, 'photos'), '--out', out, '--max', '3', '--model', weights]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(stderr).toMatch(/^backend: wasm/m);
    expect(stderr).toMatch(/2\/2 images/);
    const json = JSON.parse(await readFile(out, 'utf8'));
    expect(json.images).toEqual([
      { id: 1, file_name: 'a.jpg', width: 96, height: 64 },
      { id: 2, file_name: 'sub/b.png', width: 50, height: 70 },
    ]);
    expect(json.annotations.length).toBeGreaterThan(0);
    expect(json.annotations.length).toBeLessThanOrEqual(6);
    const first = json.annotations[0];
    expect(typeof first.segmentation.counts).toBe('string');
    expect(first.bbox).toHaveLength(4);
    expect(first.score).toBeGreaterThan(0);
    // The ground truth of the same images: the evaluator's parser takes the file as it is.
    const groundTruth = parseCocoDataset({ images: json.images, annotations: [], categories: [{ id: 1, name: 'object' }] });
    const proposals = parseCocoProposals(json, groundTruth);
    expect(proposals).toHaveLength(json.annotations.length);
  }, 120_000);

  test('usage errors exit 2 with a message', async () => {
    expect(await main(['propose', join(dir, 'photos')])).toBe(2);
    expect(stderr).toMatch(/--out is required/);
    expect(await main(['propose', join(dir, 'photos'), '--out', join(dir, 'x.json'), '--max', 'lots'])).toBe(2);
    expect(stderr).toMatch(/--max must be a positive integer/);
    expect(await main(['propose', join(dir, 'photos'), '--out', join(dir, 'x.json'), '--colour-refine', 'much'])).toBe(2);
    expect(stderr).toMatch(/--colour-refine must be a non-negative number/);
  });
});

describe('maskpilot segment-at', () => {
  test('prints score, bbox, area and latency', async () => {
    const code = await main(['segment-at', join(dir, 'photos/a.jpg'), '48', '32', '--model', weights]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    expect(stdout).toMatch(/^backend: wasm/m);
    expect(stdout).toMatch(/^score: 0\.\d{3}$/m);
    expect(stdout).toMatch(/^bbox: x=\d+ y=\d+ w=\d+ h=\d+$/m);
    expect(stdout).toMatch(/^area: \d+ px$/m);
    expect(stdout).toMatch(/^latency: \d+ ms first click/m);
  }, 120_000);

  test('a point outside the image reports no object', async () => {
    expect(await main(['segment-at', join(dir, 'photos/a.jpg'), '500', '10', '--model', weights])).toBe(1);
    expect(stdout).toMatch(/no object at \(500, 10\)/);
  }, 60_000);
});

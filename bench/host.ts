// Benchmark: the headless host's own overhead, in-process, on a generated folder of real JPEGs.
// Measures start-up (open folder + listen), API round trips over a real WebSocket (read-only calls
// and durable saves), and the image route (originals, first downscales via sharp, revalidations).
// Prints p50/p95 and writes bench/results/host.json.
//   npx tsx bench/host.ts [--images 200] [--rounds 200]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { startHost } from '../electron/host/start-host';
import type { Instance } from '../shared/api/types';
import { polygonsToRle } from '../shared/geometry/polygon-raster';
import { toCocoRle } from '../shared/geometry/rle-string';
import { connectApi } from '../test/support/host';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { images: { type: 'string', default: '200' }, rounds: { type: 'string', default: '200' } } });
const imageCount = Number(values.images);
const rounds = Number(values.rounds);
const WIDTH = 1600;
const HEIGHT = 1200;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(samples: number[]) {
  const round = (value: number) => Math.round(value * 100) / 100;
  return { count: samples.length, p50Ms: round(percentile(samples, 50)), p95Ms: round(percentile(samples, 95)), maxMs: round(Math.max(...samples)) };
}

async function timed<T>(samples: number[], run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  samples.push(performance.now() - start);
  return result;
}

async function generateFolder(): Promise<string> {
  const folder = join(await mkdtemp(join(tmpdir(), 'maskpilot-bench-host-')), 'photos');
  await mkdir(folder, { recursive: true });
  // A textured 1600x1200 photo-like JPEG (noise compresses like a real photo, unlike flat colour).
  const noise = await sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg({ quality: 85 })
    .toBuffer();
  for (let index = 0; index < imageCount; index += 1) await writeFile(join(folder, `img-${String(index).padStart(5, '0')}.jpg`), noise);
  return folder;
}

function squareInstance(id: string): Instance {
  const polygon = [100, 100, 400, 100, 400, 400, 100, 400];
  return { id, polygons: [polygon], rle: toCocoRle(polygonsToRle([polygon], HEIGHT, WIDTH)), score: null, status: 'accepted', source: 'manual', categoryId: null, modelVersion: null };
}

const folder = await generateFolder();
const startMs: number[] = [];
const host = await timed(startMs, () => startHost({ folder, staticDir: join(repoRoot, 'dist/renderer'), log: () => {} }));
const api = await connectApi(host.url);
const origin = new URL(host.url).origin;
const withToken = (path: string) => `${origin}${path}${path.includes('?') ? '&' : '?'}token=${host.token}`;

const getProject: number[] = [];
const listPage: number[] = [];
const save: number[] = [];
const getAnnotations: number[] = [];
const { images } = await api.listImages({ offset: 0, limit: Math.min(imageCount, 1000) });
for (let round = 0; round < rounds; round += 1) {
  await timed(getProject, () => api.getProject({}));
  await timed(listPage, () => api.listImages({ offset: (round * 100) % imageCount, limit: 100 }));
  const imageId = images[round % images.length].id;
  await timed(save, () => api.saveAnnotations({ imageId, instances: [squareInstance(`bench-${round}`)], status: 'inProgress' }));
  await timed(getAnnotations, () => api.getAnnotations({ imageId }));
}

const original: number[] = [];
const thumbnailFirst: number[] = [];
const revalidated: number[] = [];
for (const image of images.slice(0, Math.min(100, images.length))) {
  const path = `/images/${encodeURIComponent(image.id)}`;
  await timed(original, async () => (await fetch(withToken(path))).arrayBuffer());
  const response = await timed(thumbnailFirst, async () => {
    const reply = await fetch(withToken(`${path}?maxSide=256`));
    await reply.arrayBuffer();
    return reply;
  });
  const etag = response.headers.get('etag') ?? '';
  await timed(revalidated, async () => (await fetch(withToken(`${path}?maxSide=256`), { headers: { 'If-None-Match': etag } })).arrayBuffer());
}

api.close();
await host.close();
await rm(join(folder, '..'), { recursive: true, force: true });

const results = {
  benchmark: 'host',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage1m: loadavg()[0] },
  folder: { images: imageCount, width: WIDTH, height: HEIGHT },
  note: 'In-process host with the real project service; client over a real WebSocket on loopback. Saves are durable (fsync) before they resolve.',
  startHostMs: Math.round(startMs[0]),
  api: { getProject: summary(getProject), listImages100: summary(listPage), saveAnnotations: summary(save), getAnnotations: summary(getAnnotations) },
  images: { original1600x1200: summary(original), downscale256First: summary(thumbnailFirst), revalidate304: summary(revalidated) },
};
console.log(JSON.stringify(results, null, 2));
await mkdir(join(repoRoot, 'bench/results'), { recursive: true });
await writeFile(join(repoRoot, 'bench/results/host.json'), `${JSON.stringify(results, null, 2)}\n`);

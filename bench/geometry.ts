// Geometry benchmark: RLE encode/decode and COCO strings at 4000x3000, polygon rasterisation at
// 4000x3000, and maskToPolygons on real instance masks. Prints medians and writes
// bench/results/geometry.json. Run: nice -n 10 npx tsx bench/geometry.ts
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CocoRle, FlatPolygon } from '../shared/api/types';
import {
  decodeRle,
  encodeMask,
  fromCocoRle,
  maskToPolygons,
  polygonToRle,
  polygonsToRle,
  ringsToRle,
  rleArea,
  rleFromString,
  rleIou,
  rleToString,
  type BinaryMask,
  type Rle,
} from '../shared/geometry';
import { datasetsAvailable, datasetsDir, datasetsSkipReason, repoRoot } from '../test/support/shared-data';

interface Result {
  name: string;
  runs: number;
  /** Wall-clock milliseconds per run. */
  medianMs: number;
  minMs: number;
  /** Process CPU milliseconds per run (user + system): less sensitive than wall time to other work on a shared machine. */
  medianCpuMs: number;
  opsPerSecond: number;
  notes?: string;
}

const results: Result[] = [];

function measure(name: string, runs: number, work: () => unknown, notes?: string | (() => string)): void {
  work(); // warm-up: JIT and allocation of steady-state buffers
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    work();
    times.push(performance.now() - start);
    const cpu = process.cpuUsage(cpuStart);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const medianMs = times[times.length >> 1];
  const medianCpuMs = cpuTimes[cpuTimes.length >> 1];
  const result: Result = { name, runs, medianMs: round(medianMs), minMs: round(times[0]), medianCpuMs: round(medianCpuMs), opsPerSecond: round(1000 / medianMs) };
  const note = typeof notes === 'function' ? notes() : notes;
  if (note) result.notes = note;
  results.push(result);
  console.log(
    `${name.padEnd(58)} median ${medianMs.toFixed(2).padStart(9)} ms (cpu ${medianCpuMs.toFixed(2).padStart(8)} ms)  ${(1000 / medianMs).toFixed(1).padStart(8)} ops/s${note ? `  (${note})` : ''}`,
  );
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** A realistic large instance: a body of overlapping ellipses with an elliptical hole. */
function blobMask(width: number, height: number): BinaryMask {
  const ellipses: [number, number, number, number, number][] = [
    // cx, cy, rx, ry, 1 = fill / 0 = cut
    [2000, 1500, 1100, 700, 1],
    [1300, 1000, 500, 450, 1],
    [2700, 2100, 650, 420, 1],
    [2300, 900, 300, 500, 1],
    [1900, 1600, 220, 160, 0],
  ];
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let value = 0;
      for (const [cx, cy, rx, ry, fill] of ellipses) {
        const dx = (x + 0.5 - cx) / rx;
        const dy = (y + 0.5 - cy) / ry;
        if (dx * dx + dy * dy <= 1) value = fill;
      }
      data[y * width + x] = value;
    }
  }
  return { width, height, data };
}

function ellipsePolygon(cx: number, cy: number, rx: number, ry: number, vertices: number): FlatPolygon {
  const polygon: FlatPolygon = [];
  for (let i = 0; i < vertices; i++) {
    const angle = (2 * Math.PI * i) / vertices;
    polygon.push(cx + rx * Math.cos(angle), cy + ry * Math.sin(angle));
  }
  return polygon;
}

function realMasks(limit: number): Rle[] {
  const rles: Rle[] = [];
  for (const set of ['coco128', 'pennfudan']) {
    const file = JSON.parse(readFileSync(resolve(datasetsDir, set, 'annotations.json'), 'utf8')) as {
      images: { id: number; width: number; height: number }[];
      annotations: { image_id: number; segmentation: FlatPolygon[] | CocoRle }[];
    };
    const sizes = new Map(file.images.map((image) => [image.id, image]));
    for (const annotation of file.annotations) {
      const { width, height } = sizes.get(annotation.image_id)!;
      const segmentation = annotation.segmentation;
      const rle = Array.isArray(segmentation) ? polygonsToRle(segmentation, height, width) : fromCocoRle(segmentation);
      if (rleArea(rle) > 0) rles.push(rle);
    }
  }
  return rles.slice(0, limit);
}

const WIDTH = 4000;
const HEIGHT = 3000;
const RUNS = 11;

// The machine is shared; the load average says how much other work competed with these timings.
const loadBefore = loadavg()[0];
console.log(`geometry benchmark, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), node ${process.version}, load average ${loadBefore.toFixed(1)}`);
const mask = blobMask(WIDTH, HEIGHT);
const rle = encodeMask(mask);
const counts = rleToString(rle);
const sizeNote = `${WIDTH}x${HEIGHT}, ${rleArea(rle)} px set, ${rle.counts.length} runs`;

measure('encodeMask 4000x3000 blob', RUNS, () => encodeMask(mask), sizeNote);
measure('decodeRle 4000x3000 blob', RUNS, () => decodeRle(rle), sizeNote);
measure('rleToString 4000x3000 blob', RUNS, () => rleToString(rle), `${counts.length} chars`);
measure('rleFromString 4000x3000 blob', RUNS, () => rleFromString(counts, HEIGHT, WIDTH), `${counts.length} chars`);

const ellipse = ellipsePolygon(2000, 1500, 1500, 1100, 400);
measure('polygonToRle 4000x3000, 400-vertex ellipse', RUNS, () => polygonToRle(ellipse, HEIGHT, WIDTH));
let blobPolygons: FlatPolygon[] = [];
measure('maskToPolygons 4000x3000 blob (tolerance 1.5)', RUNS, () => (blobPolygons = maskToPolygons(mask)));
const vertexCount = blobPolygons.reduce((sum, ring) => sum + ring.length / 2, 0);
measure('ringsToRle 4000x3000 blob polygons', RUNS, () => ringsToRle(blobPolygons, HEIGHT, WIDTH), `${blobPolygons.length} rings, ${vertexCount} vertices`);
const roundTrip = ringsToRle(blobPolygons, HEIGHT, WIDTH);
console.log(`  blob round trip IoU ${rleIou([roundTrip], [rle], [false])[0][0].toFixed(5)}`);

if (datasetsAvailable) {
  // Masks are decoded inside the timed loop, one at a time as the app does: holding a thousand
  // decoded 640x480 masks at once (~250 MB) would make the timings mostly garbage-collector work.
  const rles = realMasks(1000);
  let vertices = 0;
  measure(`decodeRle on ${rles.length} real masks (all, per run)`, 7, () => {
    for (const instance of rles) decodeRle(instance);
  });
  measure(`decodeRle + maskToPolygons on ${rles.length} real masks (all, per run)`, 7, () => {
    vertices = 0;
    for (const instance of rles) vertices += maskToPolygons(decodeRle(instance)).reduce((sum, ring) => sum + ring.length / 2, 0);
  }, () => `${(vertices / rles.length).toFixed(1)} vertices per instance`);
  const [decodeOnly, withPolygons] = results.slice(-2);
  console.log(
    `  maskToPolygons alone = ${((withPolygons.medianMs - decodeOnly.medianMs) / rles.length).toFixed(3)} ms per mask ` +
      `(cpu ${((withPolygons.medianCpuMs - decodeOnly.medianCpuMs) / rles.length).toFixed(3)} ms)`,
  );
  const instances = rles.slice(0, 100);
  // Group by image size: IoU is only defined between masks of the same size.
  const bySize = new Map<string, Rle[]>();
  for (const instance of instances) {
    const key = `${instance.height}x${instance.width}`;
    bySize.set(key, [...(bySize.get(key) ?? []), instance]);
  }
  let pairs = 0;
  for (const group of bySize.values()) pairs += group.length * group.length;
  measure(`rleIou, ${pairs} same-size pairs among 100 real masks`, RUNS, () => {
    for (const group of bySize.values()) rleIou(group, group, group.map(() => false));
  });
} else {
  console.log(`maskToPolygons on real masks: skipped, ${datasetsSkipReason}`);
}

const outputPath = resolve(repoRoot, 'bench/results/geometry.json');
mkdirSync(dirname(outputPath), { recursive: true });
writeFileSync(
  outputPath,
  `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage1m: { before: round(loadBefore), after: round(loadavg()[0]) } }, results }, null, 2)}\n`,
);
console.log(`wrote ${outputPath}`);

// Click-to-segment from crops (electron/model/click-windows.ts) against the full feature maps, per
// crop margin: on clicks at the centres of coco128 objects (area > 2000 px, up to 3 per image), how
// often the crops pick the same scale as the full maps, the mask IoU at that scale (56 x 56 grid,
// threshold .4) and the median time of clickWindows over all levels.
// Run: npx tsx bench/click-margin.ts [--images 20] [--out file]
import * as tf from '@tensorflow/tfjs-core';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { selectBackend } from '../electron/model/backend';
import { decodeImage } from '../electron/model/decode';
import { DEFAULT_SETTINGS, defaultModelDir } from '../electron/model/deepmask/model';
import { clampCell, computeFeaturePyramid, cutWindows } from '../electron/model/feature-pyramid';
import { clickWindows } from '../electron/model/click-windows';
import { loadHeads } from '../electron/model/heads';
import { windowCentredAt, WINDOW_CELLS } from '../electron/model/pyramid';
import { readCocoFile } from '../electron/model/training/dataset';
import { loadTrunk } from '../electron/model/trunk';
import { datasetsDir, repoRoot } from '../test/support/shared-data';

const { values } = parseArgs({ options: { images: { type: 'string', default: '20' }, out: { type: 'string', default: join(repoRoot, 'bench/results/click-margin.json') } } });
await selectBackend();
const trunk = await loadTrunk();
const heads = await loadHeads(defaultModelDir());
const s = { ...DEFAULT_SETTINGS, maxDecodeSide: 640 };
const coco = await readCocoFile(join(datasetsDir, 'coco128/annotations.json'));
const images = [...coco.images].sort((a, b) => a.id - b.id).slice(0, Number(values.images));
const C = trunk.channels;
const evalWindows = (w: Float32Array, n: number) => tf.tidy(() => { const b = tf.tensor4d(w, [n, WINDOW_CELLS, WINDOW_CELLS, C]); return [heads.scoreLogits(b).dataSync(), heads.maskLogits(b).dataSync()] as const; });
const stats: Record<number, { agree: number; iou: number[]; ms: number[] }> = { 0: { agree: 0, iou: [], ms: [] }, 1: { agree: 0, iou: [], ms: [] }, 2: { agree: 0, iou: [], ms: [] } };
let clicks = 0;
for (const image of images) {
  const d = await decodeImage(join(datasetsDir, 'coco128/images', image.file_name), { maxSide: 640 });
  const pyramid = await computeFeaturePyramid(trunk, d, s);
  const levels = pyramid.levels.map((f) => f.level);
  const objs = coco.annotations.filter((a) => a.image_id === image.id && !a.iscrowd && a.area > 2000).slice(0, 3);
  for (const o of objs) {
    const x = (o.bbox[0] + o.bbox[2] / 2) * d.width / image.width, y = (o.bbox[1] + o.bbox[3] / 2) * d.height / image.height;
    const full = new Float32Array(levels.length * WINDOW_CELLS * WINDOW_CELLS * C);
    pyramid.levels.forEach((f, i) => { const c = clampCell(f, windowCentredAt(f.level, x, y).cellX, windowCentredAt(f.level, x, y).cellY); full.set(cutWindows(f, f.data, C, [c]), i * WINDOW_CELLS * WINDOW_CELLS * C); });
    const [fs, fm] = evalWindows(full, levels.length);
    clicks++;
    for (const margin of [0, 1, 2]) {
      const t0 = performance.now();
      const cw = await clickWindows(trunk, d, levels, x, y, margin);
      stats[margin].ms.push(performance.now() - t0);
      const w = new Float32Array(levels.length * WINDOW_CELLS * WINDOW_CELLS * C);
      cw.forEach((e, i) => w.set(e.features, i * WINDOW_CELLS * WINDOW_CELLS * C));
      const [cs, cm] = evalWindows(w, levels.length);
      const argmax = (a: ArrayLike<number>) => Array.from(a).reduce((bi, v, i, arr) => (v > arr[bi] ? i : bi), 0);
      const lf = argmax(fs), lc = argmax(cs);
      if (lf === lc) stats[margin].agree++;
      let inter = 0, union = 0;
      for (let k = 0; k < 3136; k++) { const a = fm[lf * 3136 + k] > -0.405, b = cm[lc * 3136 + k] > -0.405; if (a && b) inter++; if (a || b) union++; }
      stats[margin].iou.push(lf === lc ? (union ? inter / union : 1) : NaN);
    }
  }
  pyramid.dispose();
}
const med = (xs: number[]) => { const a = xs.filter((v) => !Number.isNaN(v)).sort((p, q) => p - q); return a[Math.floor(a.length / 2)]; };
const mean = (xs: number[]) => { const a = xs.filter((v) => !Number.isNaN(v)); return a.reduce((p, q) => p + q, 0) / a.length; };
const rows = [0, 1, 2].map((m) => ({
  marginCells: m,
  clicks,
  sameScale: stats[m].agree,
  meanMaskIou: mean(stats[m].iou),
  minMaskIou: Math.min(...stats[m].iou.filter((v) => !Number.isNaN(v))),
  clickWindowsMsMedian: med(stats[m].ms),
}));
for (const row of rows) console.log(`margin ${row.marginCells}: ${row.sameScale}/${row.clicks} same scale, mask IoU vs full map mean ${row.meanMaskIou.toFixed(3)} (min ${row.minMaskIou.toFixed(3)}), clickWindows ${row.clickWindowsMsMedian.toFixed(0)} ms median`);
await writeFile(values.out, `${JSON.stringify({ measuredAt: new Date().toISOString(), images: images.length, rows }, null, 2)}\n`);
console.log(`written to ${values.out}`);

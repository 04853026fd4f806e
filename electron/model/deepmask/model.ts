// DeepMask inference: the public face of the proposal network (propose, segmentAt, dispose).
//
//   preprocess:  decode + EXIF-orient + bound the size (decode.ts), multi-scale pyramid, trunk
//                features per level (feature-pyramid.ts; cached for the last image so clicks after a
//                propose, or after the first click, cost only the heads)
//   inference:   score every window of every level in one fully convolutional pass per level
//                (heads.scoreMap), take the best windows, run the mask branch on them in bounded batches
//   postprocess: upsample + paste each mask into image coordinates, threshold, NMS on mask IoU, top N
//                as Instances (proposal-instances.ts)
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Instance, SegmentPrompt } from '../../../shared/api/types';
import { selectBackend, type BackendName, type BackendSelection } from '../backend';
import { decodeImage, type DecodedImage } from '../decode';
import { clampCell, computeFeaturePyramid, cutFineWindows, cutWindows, PAD_CELLS, type FeaturePyramid, type LevelFeatures } from '../feature-pyramid';
import { loadHeads, type DeepMaskHeads } from '../heads';
import { buildInstance, selectProposals, type WindowCandidate } from '../proposal-instances';
import { createDetectorBoxBaseline, type DetectorBoxBaseline } from '../detector-baseline';
import { scoreAllWindows, topWindows, withDetectorWindows } from '../window-candidates';
import { buildPyramid, WINDOW_CELLS, windowCentredAt, windowRect, type Rect } from '../pyramid';
import { clickWindows } from '../click-windows';
import { promptPoint } from '../prompt-point';
import { NO_TIMINGS, type ModelImage, type ProposalModel, type StageTimings } from '../proposal-model';

export type { ModelImage, StageTimings } from '../proposal-model';
import { loadTrunk, type Trunk } from '../trunk';

export interface DeepMaskOptions {
  /** Directory with heads.json + heads.bin (default: the bundled resources/models/deepmask). */
  modelDir?: string;
  backend?: BackendName;
  /** Smallest object side (image pixels) the pyramid targets; bounded in practice by maxLevelSide. */
  minObjectSize?: number;
  /** Pyramid levels per octave (2: scales 2^(k/2) as in the paper). */
  levelsPerOctave?: number;
  /** Largest side of any pyramid level (pixels): bounds trunk time and wasm memory. */
  maxLevelSide?: number;
  /** Images are decoded at most this large (pixels, larger side); masks are scaled back up. */
  maxDecodeSide?: number;
  /** Windows whose masks are computed, at most, before NMS. */
  maxCandidates?: number;
  /** Mask-branch batch size (bounds the wasm heap). */
  maskBatch?: number;
  /** A pixel is foreground when its mask probability exceeds this. */
  maskThreshold?: number;
  /** NMS drops a proposal whose mask IoU with a better one exceeds this. */
  nmsIou?: number;
  /** Weight of the per-window colour model fused into each proposal's mask (postprocess.colourRefine); 0 = off. */
  colourWeight?: number;
  /** Windows added on the boxes of the trunk's own COCO detector (window-candidates.ts); 0 = none. */
  detectorPrior?: number;
  /** With heads that have a mask refiner: how many of the best proposals (after NMS) it refines; 0 = none. */
  refineTop?: number;
  /** Injected parts (tests, the CLI's shared trunk); they are then owned by the caller. */
  heads?: DeepMaskHeads;
  trunk?: Trunk;
}

export type DeepMaskSettings = Required<Omit<DeepMaskOptions, 'heads' | 'trunk' | 'backend' | 'modelDir'>>;

export const DEFAULT_SETTINGS: DeepMaskSettings = {
  minObjectSize: 48,
  levelsPerOctave: 2,
  maxLevelSide: 960,
  maxDecodeSide: 2048,
  maxCandidates: 300,
  maskBatch: 32,
  // Measured on all 170 pennfudan and 128 coco128 images (bench/seed-table2.ts, 300 candidates):
  // threshold 0.4 with NMS 0.8 gives AR@100 .288 / .273, against .256 / .260 with 0.5 and 0.7
  // (bench/proposals-ar.ts). A 20-image sweep had pointed the same way.
  maskThreshold: 0.4,
  nmsIou: 0.8,
  detectorPrior: 0,
  // Plain Bayes fusion of mask and window colour model (postprocess.colourRefine). Measured with
  // bench/postprocess-ar.ts on identical candidates, weights 0 / 1 / 2 (before the second NMS of
  // refined masks): AR@100 pennfudan (170 images) .288 / .383 / .383, coco128 (128) .273 / .292 / .266.
  // Weight 1 with the second NMS (bench/results/postprocess-ar-*.json): pennfudan AR@10 .192 -> .265,
  // AR@100 .288 -> .381; coco128 AR@10 .130 -> .147, AR@100 .273 -> .290. It costs a full-size paste
  // and an RLE IoU per kept proposal: bench/proposal-speed.ts on an idle machine, 640 px, top 100:
  // 1.123 s/image with weight 1 against 0.786 s without (postprocess 609 vs 160 ms), above the
  // 1 s target. Off by default until it is made cheaper; `maskpilot propose --colour-refine 1` uses it.
  colourWeight: 0,
  // With the native depthwise conv the refiner costs about 1 ms per window on wasm
  // (bench/refiner-speed.ts), so every kept proposal up to 100 is refined: deepmask-coco128-v2 AR@100
  // pennfudan .406 refining the best 20, .451 refining 100; coco128 .298 / .319 (bench/refiner-ar.ts).
  refineTop: 100,
};

/** DeepMask's candidate windows of one image (see DeepMask.scoredWindows). */
export interface ScoredWindows {
  decoded: DecodedImage;
  /** Best first. */
  candidates: WindowCandidate[];
  /** Each window in decoded-image pixels (may hang over the border). */
  rects: Rect[];
  /** Coarse mask logits, maskSize^2 each, row-major. */
  logits: Float32Array[];
  maskSize: number;
  /** Refined logits of the candidates at `indices` (heads with a refiner), in that order. */
  refine?: (indices: readonly number[]) => Float32Array[];
}

/** DeepMask: a ProposalModel with its settings and its scored windows for merging proposers. */
export interface DeepMask extends ProposalModel {
  readonly settings: DeepMaskSettings;
  /**
   * The first half of propose: the best `limit` windows of the image with their coarse mask logits,
   * before NMS, and (with a refiner) a way to refine chosen ones. For proposers that merge these
   * windows with candidates of their own (the detector-guided model).
   */
  scoredWindows(image: ModelImage, limit: number): Promise<ScoredWindows>;
}

export function defaultModelDir(): string {
  return resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../../resources/models/deepmask');
}

export function resolveSettings(options: DeepMaskOptions): DeepMaskSettings {
  const settings = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof DeepMaskSettings>) {
    const value = options[key];
    if (value === undefined) continue;
    if (((key === 'detectorPrior' || key === 'refineTop') && Number.isInteger(value) && value >= 0) || (key === 'colourWeight' && Number.isFinite(value) && value >= 0)) {
      settings[key] = value;
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`DeepMask option ${key} must be a positive number, got ${String(value)}`);
    settings[key] = value;
  }
  if (settings.maskThreshold >= 1) throw new Error(`DeepMask option maskThreshold must be below 1, got ${settings.maskThreshold}`);
  if (settings.nmsIou > 1) throw new Error(`DeepMask option nmsIou must be at most 1, got ${settings.nmsIou}`);
  return settings;
}

export function createDeepMask(options: DeepMaskOptions = {}): DeepMask {
  const settings = resolveSettings(options);
  let trunk: Trunk | null = options.trunk ?? null;
  let heads: DeepMaskHeads | null = options.heads ?? null;
  const ownsTrunk = !options.trunk;
  const ownsHeads = !options.heads;
  let backend: BackendSelection | null = null;
  let detector: DetectorBoxBaseline | null = null;
  let cache: { key: string; source: ModelImage; decoded: DecodedImage; pyramid: FeaturePyramid } | null = null;
  let disposed = false;
  let timings: StageTimings = { ...NO_TIMINGS };

  const ready = (): { trunk: Trunk; heads: DeepMaskHeads } => {
    if (disposed) throw new Error('DeepMask is disposed');
    if (!trunk || !heads) throw new Error('DeepMask is not loaded: call load() first');
    return { trunk, heads };
  };

  let clickImage: { key: string; decoded: DecodedImage } | null = null;
  /** Decoded pixels for clicks on an image without a cached pyramid (the last one is kept). */
  const decodeForClick = async (image: ModelImage, key: string): Promise<DecodedImage> => {
    if ('rgb' in image) return image;
    if (clickImage && clickImage.key === key) return clickImage.decoded;
    const started = performance.now();
    const decoded = await decodeImage(image.path, { maxSide: settings.maxDecodeSide });
    timings.decode = performance.now() - started;
    clickImage = { key, decoded };
    return decoded;
  };

  /** Decoded pixels and the feature pyramid of an image, reusing the last image's. */
  const prepare = async (image: ModelImage): Promise<{ decoded: DecodedImage; pyramid: FeaturePyramid }> => {
    const parts = ready();
    const key = await imageKey(image);
    if (cache && cache.key === key && (key !== '' || cache.source === image)) return cache;
    const started = performance.now();
    const decoded = 'rgb' in image ? image : await decodeImage(image.path, { maxSide: settings.maxDecodeSide });
    timings.decode = performance.now() - started;
    const pyramid = await computeFeaturePyramid(parts.trunk, decoded, settings, hasRefiner(parts.heads));
    timings.trunk = pyramid.trunkMs;
    cache?.pyramid.dispose();
    cache = { key, source: image, decoded, pyramid };
    return cache;
  };

  return {
    settings,
    get backend() {
      return backend;
    },
    get lastTimings() {
      return timings;
    },
    get modelVersion() {
      if (!heads) return null;
      // The trainer writes `version`; older or hand-made manifests may say `modelVersion`.
      const version = heads.meta.modelVersion ?? heads.meta.version;
      return typeof version === 'string' ? version : 'untrained';
    },

    async load() {
      if (disposed) throw new Error('DeepMask is disposed');
      backend = await selectBackend(options.backend);
      trunk ??= await loadTrunk();
      heads ??= await loadHeads(options.modelDir ?? defaultModelDir());
      if (heads.config.channels !== trunk.channels) throw new Error(`heads expect ${heads.config.channels} trunk channels, the trunk gives ${trunk.channels}`);
      if (settings.detectorPrior > 0 && !detector) {
        detector = createDetectorBoxBaseline({ backend: options.backend });
        await detector.load();
      }
      // Warm-up: one small pass through every kernel the proposals use.
      const blank: DecodedImage = { width: 64, height: 64, rgb: new Uint8Array(64 * 64 * 3), originalWidth: 64, originalHeight: 64 };
      await this.propose(blank, { maxProposals: 1 });
      cache?.pyramid.dispose();
      cache = null;
    },

    async scoredWindows(image, limit) {
      const { heads: model } = ready();
      const { decoded, pyramid } = await prepare(image);
      const scores = scoreAllWindows(model, pyramid);
      const candidates = topWindows(scores, limit);
      const logits = maskLogitsFor(model, pyramid, candidates, settings.maskBatch);
      return {
        decoded,
        candidates,
        rects: candidates.map((candidate) => windowRect(pyramid.levels[candidate.levelIndex].level, candidate.cellX, candidate.cellY)),
        logits,
        maskSize: model.config.maskSize,
        ...(hasRefiner(model) ? { refine: (indices: readonly number[]) => refinedLogitsFor(model, pyramid, candidates, indices, logits, settings.maskBatch) } : {}),
      };
    },

    async propose(image, { maxProposals, withPolygons = true }) {
      if (!(Number.isInteger(maxProposals) && maxProposals > 0)) throw new Error(`maxProposals must be a positive integer, got ${maxProposals}`);
      const { heads: model } = ready();
      const started = performance.now();
      timings = { ...NO_TIMINGS };
      const { decoded, pyramid } = await prepare(image);
      let mark = performance.now();
      const scores = scoreAllWindows(model, pyramid);
      let candidates = topWindows(scores, settings.maxCandidates);
      if (detector && settings.detectorPrior > 0) {
        const boxes = await detector.boxes(decoded, settings.detectorPrior);
        candidates = withDetectorWindows(candidates, boxes, decoded, pyramid, scores);
      }
      timings.score = performance.now() - mark;
      mark = performance.now();
      const logits = maskLogitsFor(model, pyramid, candidates, settings.maskBatch);
      timings.mask = performance.now() - mark;
      mark = performance.now();
      const refinement = hasRefiner(model) ? { count: settings.refineTop, logits: (indices: readonly number[]) => refinedLogitsFor(model, pyramid, candidates, indices, logits, settings.maskBatch) } : undefined;
      const proposals = selectProposals(decoded, pyramid, candidates, logits, model.config.maskSize, settings, maxProposals, this.modelVersion ?? 'untrained', withPolygons, refinement);
      timings.postprocess = performance.now() - mark;
      timings.total = performance.now() - started;
      return proposals;
    },

    async segmentAt(image, prompt) {
      const point = promptPoint(prompt);
      const parts = ready();
      const model = parts.heads;
      const started = performance.now();
      timings = { ...NO_TIMINGS };
      const key = await imageKey(image);
      const pyramid = cache && cache.key === key && (key !== '' || cache.source === image) ? cache.pyramid : null;
      // Without this image's pyramid (no propose yet), crop around the click instead of computing it.
      const decoded = pyramid ? (cache as { decoded: DecodedImage }).decoded : await decodeForClick(image, key);
      const x = (point.x * decoded.width) / decoded.originalWidth;
      const y = (point.y * decoded.height) / decoded.originalHeight;
      if (!(x >= 0 && y >= 0 && x < decoded.width && y < decoded.height)) return null;
      const levels = pyramid ? pyramid.levels.map((features) => features.level) : buildPyramid(decoded.width, decoded.height, settings);
      const channels = model.config.channels;
      const windowSize = WINDOW_CELLS * WINDOW_CELLS * channels;
      const refining = hasRefiner(model);
      const perLevel: Array<{ levelIndex: number; cellX: number; cellY: number; features: Float32Array; fine?: { stride8: Float32Array; stride4: Float32Array } }> = pyramid
        ? pyramid.levels.map((features, levelIndex) => {
            const centred = windowCentredAt(features.level, x, y);
            const cell = clampCell(features, centred.cellX, centred.cellY);
            return { levelIndex, ...cell, features: cutWindows(features, features.data, channels, [cell]), ...(refining ? { fine: cutFineWindows(features, [cell]) } : {}) };
          })
        : await clickWindows(parts.trunk, decoded, levels, x, y, undefined, refining);
      const windows = new Float32Array(perLevel.length * windowSize);
      perLevel.forEach((entry, index) => windows.set(entry.features, index * windowSize));
      const batch = tf.tensor4d(windows, [perLevel.length, WINDOW_CELLS, WINDOW_CELLS, channels]);
      const scores = model.scoreLogits(batch);
      const scoreValues = await scores.data();
      const ranked = perLevel.map((entry, index) => ({ index, levelIndex: entry.levelIndex, cellX: entry.cellX, cellY: entry.cellY, scoreLogit: scoreValues[index] }));
      ranked.sort((a, b) => b.scoreLogit - a.scoreLogit);
      const chosen = ranked[(prompt.scaleIndex ?? 0) % ranked.length];
      const fine = perLevel[chosen.index].fine;
      const maskTensor = tf.tidy(() => {
        const coarse = model.maskLogits(tf.slice(batch, [chosen.index, 0, 0, 0], [1, WINDOW_CELLS, WINDOW_CELLS, channels]));
        return fine ? model.refineMask(coarse, ...fineTensors(model, fine, 1)) : coarse;
      });
      const logits = (await maskTensor.data()) as Float32Array;
      tf.dispose([batch, scores, maskTensor]);
      const candidate: WindowCandidate = { levelIndex: chosen.levelIndex, cellX: chosen.cellX, cellY: chosen.cellY, scoreLogit: chosen.scoreLogit };
      const instance = buildInstance(decoded, levels, candidate, logits, model.config.maskSize, settings, 'click', this.modelVersion ?? 'untrained');
      timings.total = performance.now() - started;
      return instance;
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      cache?.pyramid.dispose();
      cache = null;
      if (ownsHeads) heads?.dispose();
      if (ownsTrunk) trunk?.dispose();
      detector?.dispose();
    },
  };
}

/** A cache key for a file (path + size + mtime); '' for decoded pixels (compared by identity). */
async function imageKey(image: ModelImage): Promise<string> {
  if ('rgb' in image) return '';
  const info = await stat(image.path).catch(() => null);
  return `${image.path}\u0000${info?.size ?? -1}\u0000${info?.mtimeMs ?? -1}`;
}

/** Mask logits (maskSize^2 each, row-major) of the candidates, in their order, in batches per level. */
export function maskLogitsFor(heads: DeepMaskHeads, pyramid: FeaturePyramid, candidates: readonly WindowCandidate[], batch: number): Float32Array[] {
  const result: Float32Array[] = new Array(candidates.length);
  const size = heads.config.maskSize * heads.config.maskSize;
  const byLevel = indicesByLevel(candidates, candidates.map((_, index) => index));
  const reduce = heads.config.maskReduceChannels;
  for (const [levelIndex, indices] of byLevel) {
    const cellMap = maskCellMap(heads, pyramid.levels[levelIndex]);
    for (let start = 0; start < indices.length; start += batch) {
      const chunk = indices.slice(start, start + batch);
      const windows = cutWindows(pyramid.levels[levelIndex], cellMap, reduce, chunk.map((index) => candidates[index]));
      const logits = tf.tidy(() => heads.maskLogitsFromCells(tf.tensor4d(windows, [chunk.length, WINDOW_CELLS, WINDOW_CELLS, reduce])));
      const values = logits.dataSync() as Float32Array;
      logits.dispose();
      chunk.forEach((index, offset) => {
        result[index] = values.slice(offset * size, (offset + 1) * size);
      });
    }
  }
  return result;
}

/** `indices` into `candidates` grouped by pyramid level, each group in the given order (windows are cut and run per level). */
function indicesByLevel(candidates: readonly WindowCandidate[], indices: readonly number[]): Map<number, number[]> {
  const byLevel = new Map<number, number[]>();
  for (const index of indices) {
    const level = candidates[index].levelIndex;
    const members = byLevel.get(level);
    if (members) members.push(index);
    else byLevel.set(level, [index]);
  }
  return byLevel;
}

function hasRefiner(heads: DeepMaskHeads): boolean {
  return heads.config.refineHidden > 0;
}

/** The refiner's input tensors for `count` windows cut by cutFineWindows / clickWindows. */
function fineTensors(heads: DeepMaskHeads, fine: { stride8: Float32Array; stride4: Float32Array }, count: number): [tf.Tensor4D, tf.Tensor4D] {
  const { windowCells: cells, refineChannels8, refineChannels4 } = heads.config;
  return [tf.tensor4d(fine.stride8, [count, 2 * cells, 2 * cells, refineChannels8]), tf.tensor4d(fine.stride4, [count, 4 * cells, 4 * cells, refineChannels4])];
}

/** Refined mask logits of the candidates at `indices` (their coarse logits in `coarse`), in that order, in batches per level. */
export function refinedLogitsFor(
  heads: DeepMaskHeads,
  pyramid: FeaturePyramid,
  candidates: readonly WindowCandidate[],
  indices: readonly number[],
  coarse: readonly Float32Array[],
  batch: number,
): Float32Array[] {
  const size = heads.config.maskSize;
  const result = new Map<number, Float32Array>();
  for (const [levelIndex, members] of indicesByLevel(candidates, indices)) {
    for (let start = 0; start < members.length; start += batch) {
      const chunk = members.slice(start, start + batch);
      const fine = cutFineWindows(pyramid.levels[levelIndex], chunk.map((index) => candidates[index]));
      const coarseData = new Float32Array(chunk.length * size * size);
      chunk.forEach((index, offset) => coarseData.set(coarse[index], offset * size * size));
      const refined = tf.tidy(() => heads.refineMask(tf.tensor3d(coarseData, [chunk.length, size, size]), ...fineTensors(heads, fine, chunk.length)));
      const values = refined.dataSync() as Float32Array;
      refined.dispose();
      chunk.forEach((index, offset) => result.set(index, values.slice(offset * size * size, (offset + 1) * size * size)));
    }
  }
  return indices.map((index) => result.get(index) as Float32Array);
}

/** The heads' mask cell map of a level (computed once per level and heads, then reused). */
function maskCellMap(heads: DeepMaskHeads, features: LevelFeatures): Float32Array {
  const key = `mask-cells:${heads.config.maskReduceChannels}:${headsId(heads)}`;
  const cached = features.derived.get(key);
  if (cached) return cached.data;
  const map = heads.maskCellMap(features.padded);
  const data = map.dataSync() as Float32Array;
  map.dispose();
  features.derived.set(key, { channels: heads.config.maskReduceChannels, data });
  return data;
}

const headsIds = new WeakMap<DeepMaskHeads, number>();
let nextHeadsId = 1;
function headsId(heads: DeepMaskHeads): number {
  let id = headsIds.get(heads);
  if (id === undefined) {
    id = nextHeadsId++;
    headsIds.set(heads, id);
  }
  return id;
}

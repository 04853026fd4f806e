// InstanceFCN inference: the same public face as DeepMask (propose, segmentAt, dispose; see
// ../deepmask.ts), the same trunk, pyramid, feature cache per image and postprocess, different heads:
//
//   preprocess:  decode + bound the size, multi-scale pyramid, trunk features per level (shared code)
//   inference:   per level, one fully convolutional pass gives the 9 instance-sensitive maps and the
//                objectness of every window position; the best windows over all levels are assembled
//                (assemble.ts, gathered in bounded batches) into 56 x 56 mask logits
//   postprocess: bilinear paste into the image, threshold, NMS on mask IoU at 0.8 (the paper's), top N
//
// Click-to-segment assembles the window centred at the click at every level from its own features
// (windows cut with the context margin, no full-map pass) and keeps the one with the best objectness.
import { promptPoint } from '../prompt-point';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendSelection } from '../backend';
import { resolveSettings, type DeepMaskOptions } from '../deepmask/model';
import type { ModelImage, ProposalModel, StageTimings } from '../proposal-model';
import { decodeImage, type DecodedImage } from '../decode';
import { clampCell, computeFeaturePyramid, PAD_CELLS, type FeaturePyramid, type LevelFeatures } from '../feature-pyramid';
import { selectProposals, type WindowCandidate } from '../proposal-instances';
import { windowCentredAt } from '../pyramid';
import { cutWindows } from '../window-cut';
import { loadTrunk, type Trunk } from '../trunk';
import { assembleWindows } from './assemble';
import { loadInstanceFcnHeads, maskSize, paddedWindowCells, windowMapCorner, type InstanceFcnHeads } from './heads';

/** The InstanceFCN paper's NMS threshold on mask IoU. */
export const INSTANCEFCN_NMS_IOU = 0.8;

// No colour refinement: InstanceFCN stays as in its paper (and as in Table 2); DeepMask ships with it.

export interface InstanceFcnOptions extends Omit<DeepMaskOptions, 'heads'> {
  heads?: InstanceFcnHeads;
}

/** The bundled weights: resources/models/instancefcn. */
export function defaultInstanceFcnModelDir(): string {
  return resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../../resources/models/instancefcn');
}

/** One level's head outputs, read back: objectness [rows x cols] and the maps [mapHeight, mapWidth, k*k]. */
interface LevelOutputs {
  objectness: Float32Array;
  rows: number;
  cols: number;
  maps: Float32Array;
  mapShape: [number, number, number];
}

const NO_TIMINGS: StageTimings = { decode: 0, trunk: 0, score: 0, mask: 0, postprocess: 0, total: 0 };

/** A ProposalModel, so the CLI, the worker and the benches take it like any other. */
export function createInstanceFcn(options: InstanceFcnOptions = {}): ProposalModel {
  const { heads: injectedHeads, trunk: injectedTrunk, ...rest } = options;
  const settings = resolveSettings({ nmsIou: INSTANCEFCN_NMS_IOU, ...rest });
  let trunk: Trunk | null = injectedTrunk ?? null;
  let heads: InstanceFcnHeads | null = injectedHeads ?? null;
  let backend: BackendSelection | null = null;
  let cache: { key: string; source: ModelImage; decoded: DecodedImage; pyramid: FeaturePyramid; outputs: Map<LevelFeatures, LevelOutputs> } | null = null;
  let disposed = false;
  let timings: StageTimings = { ...NO_TIMINGS };

  const ready = (): { trunk: Trunk; heads: InstanceFcnHeads } => {
    if (disposed) throw new Error('InstanceFCN is disposed');
    if (!trunk || !heads) throw new Error('InstanceFCN is not loaded: call load() first');
    return { trunk, heads };
  };

  const prepare = async (image: ModelImage): Promise<NonNullable<typeof cache>> => {
    const parts = ready();
    const key = await imageKey(image);
    if (cache && cache.key === key && (key !== '' || cache.source === image)) return cache;
    const started = performance.now();
    const decoded = 'rgb' in image ? image : await decodeImage(image.path, { maxSide: settings.maxDecodeSide });
    timings.decode = performance.now() - started;
    const pyramid = await computeFeaturePyramid(parts.trunk, decoded, settings);
    timings.trunk = pyramid.trunkMs;
    cache?.pyramid.dispose();
    cache = { key, source: image, decoded, pyramid, outputs: new Map() };
    return cache;
  };

  const version = (): string => {
    const value = heads?.meta.modelVersion ?? heads?.meta.version;
    return typeof value === 'string' ? value : 'untrained';
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
      return heads ? version() : null;
    },

    async load() {
      if (disposed) throw new Error('InstanceFCN is disposed');
      backend = await selectBackend(options.backend);
      trunk ??= await loadTrunk();
      heads ??= await loadInstanceFcnHeads(options.modelDir ?? defaultInstanceFcnModelDir());
      if (heads.config.channels !== trunk.channels) throw new Error(`InstanceFCN heads expect ${heads.config.channels} trunk channels, the trunk gives ${trunk.channels}`);
      const blank: DecodedImage = { width: 64, height: 64, rgb: new Uint8Array(64 * 64 * 3), originalWidth: 64, originalHeight: 64 };
      await this.propose(blank, { maxProposals: 1 });
      cache?.pyramid.dispose();
      cache = null;
    },

    async propose(image, { maxProposals, withPolygons = true }) {
      if (!(Number.isInteger(maxProposals) && maxProposals > 0)) throw new Error(`maxProposals must be a positive integer, got ${maxProposals}`);
      const { heads: model } = ready();
      const started = performance.now();
      timings = { ...NO_TIMINGS };
      const prepared = await prepare(image);
      let mark = performance.now();
      const candidates = topWindows(model, prepared.pyramid, prepared.outputs, settings.maxCandidates);
      timings.score = performance.now() - mark;
      mark = performance.now();
      const logits = assembledLogits(model, prepared.pyramid, prepared.outputs, candidates, settings.maskBatch);
      timings.mask = performance.now() - mark;
      mark = performance.now();
      const proposals = selectProposals(prepared.decoded, prepared.pyramid, candidates, logits, maskSize(model.config), settings, maxProposals, version(), withPolygons);
      timings.postprocess = performance.now() - mark;
      timings.total = performance.now() - started;
      return proposals;
    },

    async segmentAt(image, prompt) {
      const point = promptPoint(prompt);
      const { heads: model } = ready();
      const started = performance.now();
      timings = { ...NO_TIMINGS };
      const { decoded, pyramid } = await prepare(image);
      const x = (point.x * decoded.width) / decoded.originalWidth;
      const y = (point.y * decoded.height) / decoded.originalHeight;
      if (!(x >= 0 && y >= 0 && x < decoded.width && y < decoded.height)) return null;
      const perLevel = pyramid.levels.map((features, levelIndex) => {
        const cell = windowCentredAt(features.level, x, y);
        return { levelIndex, ...clampCell(features, cell.cellX, cell.cellY) };
      });
      const margin = model.config.contextDilation;
      const cells = paddedWindowCells(model.config);
      const channels = model.config.channels;
      // Each level's window with its context margin, cut from the padded map (zeros past its edge).
      const windows = new Float32Array(perLevel.length * cells * cells * channels);
      perLevel.forEach((entry, index) => {
        const features = pyramid.levels[entry.levelIndex];
        const [height, width] = features.padded.shape;
        const map = { width, height, channels, data: features.data };
        const position = { cellX: entry.cellX + PAD_CELLS - margin, cellY: entry.cellY + PAD_CELLS - margin };
        windows.set(cutWindows([map], [position], cells), index * cells * cells * channels);
      });
      const predicted = tf.tidy(() => model.windowPredictions(tf.tensor4d(windows, [perLevel.length, cells, cells, channels])));
      const [objectness, maskValues] = await Promise.all([predicted.objectness.data(), predicted.maskLogits.data()]);
      predicted.objectness.dispose();
      predicted.maskLogits.dispose();
      const size = maskSize(model.config);
      const ranked = perLevel.map((entry, index) => ({ candidate: { ...entry, scoreLogit: objectness[index] }, index })).sort((a, b) => b.candidate.scoreLogit - a.candidate.scoreLogit);
      const chosen = ranked[(prompt.scaleIndex ?? 0) % ranked.length];
      const logits = (maskValues as Float32Array).slice(chosen.index * size * size, (chosen.index + 1) * size * size);
      // One candidate through the proposal postprocess (paste, threshold, RLE, polygons); empty -> null.
      const [instance] = selectProposals(decoded, pyramid, [chosen.candidate], [logits], size, settings, 1, version(), true);
      timings.total = performance.now() - started;
      return instance ? { ...instance, source: 'click' } : null;
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      cache?.pyramid.dispose();
      cache = null;
      if (!injectedHeads) heads?.dispose();
      if (!injectedTrunk) trunk?.dispose();
    },
  };
}

async function imageKey(image: ModelImage): Promise<string> {
  if ('rgb' in image) return '';
  const info = await stat(image.path).catch(() => null);
  return `${image.path}\u0000${info?.size ?? -1}\u0000${info?.mtimeMs ?? -1}`;
}

/** The heads' outputs of a level, computed once per image and read back (tensors freed at once). */
function levelOutputs(heads: InstanceFcnHeads, features: LevelFeatures, memo: Map<LevelFeatures, LevelOutputs>): LevelOutputs {
  const held = memo.get(features);
  if (held) return held;
  const { maps, objectness } = heads.mapOutputs(features.padded);
  const outputs: LevelOutputs = {
    objectness: objectness.dataSync() as Float32Array,
    rows: objectness.shape[0],
    cols: objectness.shape[1],
    maps: maps.dataSync() as Float32Array,
    mapShape: maps.shape,
  };
  maps.dispose();
  objectness.dispose();
  memo.set(features, outputs);
  return outputs;
}

/** The windows with the best objectness over all levels, best first. */
function topWindows(heads: InstanceFcnHeads, pyramid: FeaturePyramid, memo: Map<LevelFeatures, LevelOutputs>, limit: number): WindowCandidate[] {
  const candidates: WindowCandidate[] = [];
  pyramid.levels.forEach((features, levelIndex) => {
    const { objectness, rows, cols } = levelOutputs(heads, features, memo);
    for (let row = 0; row < rows; row++) {
      for (let col = 0; col < cols; col++) candidates.push({ levelIndex, cellX: col - PAD_CELLS, cellY: row - PAD_CELLS, scoreLogit: objectness[row * cols + col] });
    }
  });
  candidates.sort((a, b) => b.scoreLogit - a.scoreLogit);
  return candidates.slice(0, limit);
}

/** Assembled mask logits (maskSize^2 each, row-major) of the candidates, in their order. */
function assembledLogits(heads: InstanceFcnHeads, pyramid: FeaturePyramid, memo: Map<LevelFeatures, LevelOutputs>, candidates: readonly WindowCandidate[], batch: number): Float32Array[] {
  const { config } = heads;
  const size = maskSize(config);
  const result: Float32Array[] = new Array(candidates.length);
  const byLevel = new Map<number, number[]>();
  candidates.forEach((candidate, index) => byLevel.set(candidate.levelIndex, [...(byLevel.get(candidate.levelIndex) ?? []), index]));
  for (const [levelIndex, indices] of byLevel) {
    const outputs = levelOutputs(heads, pyramid.levels[levelIndex], memo);
    const maps = tf.tensor3d(outputs.maps, outputs.mapShape);
    try {
      for (let start = 0; start < indices.length; start += batch) {
        const chunk = indices.slice(start, start + batch);
        const corners = chunk.map((index) => windowMapCorner(config, candidates[index].cellX + PAD_CELLS, candidates[index].cellY + PAD_CELLS));
        const assembled = assembleWindows(maps, corners, size, config.k);
        const values = assembled.dataSync() as Float32Array;
        assembled.dispose();
        chunk.forEach((index, offset) => {
          result[index] = values.slice(offset * size * size, (offset + 1) * size * size);
        });
      }
    } finally {
      maps.dispose();
    }
  }
  return result;
}

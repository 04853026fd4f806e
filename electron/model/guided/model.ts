// The detector-guided proposal model (issue #16) and its interactive segmentation (issue #17):
//   preprocess:  decode, a 512 x 512 view of the image, one pass of the trunk's COCO detector over it
//                (boxes + the trunk's stride-16/8/4 maps; image-view.ts)
//   inference:   the prompt-mask head gives each of the best detector boxes a mask and an IoU
//                estimate (class-agnostic, at every detector score); DeepMask's sliding windows
//                give masks for what the detector does not know (its classes are COCO's)
//   postprocess: one calibrated score for both (score-calibration.ts), NMS on mask IoU at 0.8 (the
//                seed's), the best N as Instances; DeepMask's refiner on the kept windows
// segmentAt runs the same head with clicks, a box and the previous mask (interactive.ts).
// The weights folder holds the prompt-mask head (heads.json meta.architecture 'guided') and names
// the DeepMask heads it merges with (meta.deepmaskDir, relative to the folder).
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { Instance, SegmentPrompt } from '../../../shared/api/types';
import { decodeRle, fromCocoRle, rleIou, type BinaryMask, type Rle } from '../../../shared/geometry';
import { selectBackend, type BackendName, type BackendSelection } from '../backend';
import { loadCenternetGraph } from '../centernet-graph';
import { decodeImage, type DecodedImage } from '../decode';
import { createDeepMask, type DeepMask, type DeepMaskOptions } from '../deepmask/model';
import { readHeadsManifest } from '../heads-io';
import { maskNms } from '../nms';
import { logit, pasteMask, pasteMaskCoarse, rectMaskToRle } from '../postprocess';
import { maskInstance } from '../proposal-instances';
import { NO_TIMINGS, type ModelImage, type ProposalModel, type StageTimings } from '../proposal-model';
import { loadPromptMaskHead, type PromptMaskHead } from '../promptmask/head';
import { PROMPT_MASK_SIZE } from '../promptmask/network';
import { roiAroundBox, type Roi } from '../promptmask/roi';
import type { Rect } from '../pyramid';
import { addDetections, computeImageView, viewScale, type ImageView } from './image-view';
import { describeInstances } from './describe';
import { segmentInView } from './interactive';
import type { InstanceDescription } from '../../../shared/categories/suggester';
import { boxFeatures, calibratedScore, calibrationFromMeta, maskStability, windowFeatures, type CandidateSource, type ScoreCalibration } from './score-calibration';

export const GUIDED_ARCHITECTURE = 'guided';

export type GuidedSettings = {
  /** Detector boxes read from the view (best first). */
  detectorBoxes: number;
  /** Of those, how many get a mask from the prompt-mask head. */
  boxMasks: number;
  /** DeepMask windows merged in (best first; 0 = detector boxes only). */
  windows: number;
  /** NMS on mask IoU (the seed's 0.8). */
  nmsIou: number;
  /** Kept DeepMask windows refined by its mask refiner. */
  refineTop: number;
  /**
   * Detector boxes around a first click tried as box prompts beside the click alone, once proposals
   * have run on the image (0 = the click alone). On 60 held-out cocotrain objects: mIoU after one
   * click .434 -> .522 with 3 (bench/click-noc.ts --after-propose).
   */
  clickBoxes: number;
  maxDecodeSide: number;
};

export const DEFAULT_GUIDED_SETTINGS: GuidedSettings = {
  detectorBoxes: 100,
  boxMasks: 60,
  windows: 150,
  nmsIou: 0.8,
  refineTop: 60,
  clickBoxes: 3,
  maxDecodeSide: 2048,
};

export interface GuidedOptions extends Partial<GuidedSettings> {
  /** Folder of the guided model (default: the bundled resources/models/guided). */
  modelDir?: string;
  backend?: BackendName;
  /** Settings of the DeepMask it merges with (its pyramid, thresholds). */
  deepmask?: Omit<DeepMaskOptions, 'modelDir' | 'backend'>;
}

export interface GuidedModel extends ProposalModel {
  readonly settings: GuidedSettings;
  readonly calibration: ScoreCalibration;
  /** Descriptions of instances of an image (masks at the original size) for category suggestions. */
  describe(image: ModelImage, masks: readonly BinaryMask[]): Promise<InstanceDescription[]>;
  /** Every candidate before NMS with its calibration features and mask (decoded-image size): what bench/calibrate-scores.ts fits on. */
  scoredCandidates(image: ModelImage): Promise<{ decoded: DecodedImage; candidates: Array<{ source: CandidateSource; features: number[]; score: number; rle: Rle }> }>;
}

export function defaultGuidedModelDir(): string {
  return resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../../resources/models/guided');
}

/** A candidate mask before NMS: a 56 x 56 (or DeepMask maskSize) grid of logits over a rectangle of the decoded image. */
interface Candidate {
  source: CandidateSource;
  rect: Rect;
  logits: Float32Array;
  size: number;
  threshold: number;
  /** The calibration's features (score-calibration.ts) and the calibrated score. */
  features: number[];
  score: number;
  /** Index into DeepMask's windows (for its refiner). */
  window?: number;
  /** The mask on the NMS grid (nmsGridFactor), once computed. */
  coarse?: Rle;
}

const WINDOW_THRESHOLD = logit(0.4);
/**
 * The pyramid of the DeepMask windows merged in: one level per octave (DeepMask's own default is 2).
 * On cocotrain's calibration half it cost AR@100 .236 -> .232 and took 1.09 -> 0.79 s per image, which
 * brings a whole propose under DESIGN.md's 1 s on 2 cores (bench/proposals-ar.ts, guided settings).
 */
const GUIDED_DEEPMASK_DEFAULTS = { levelsPerOctave: 1 } as const;
/** NMS compares masks on a grid at most this many pixels on its longer side (as DeepMask's postprocess). */
const NMS_GRID_SIDE = 200;

export function createGuidedModel(options: GuidedOptions = {}): GuidedModel {
  const settings: GuidedSettings = { ...DEFAULT_GUIDED_SETTINGS };
  for (const key of Object.keys(DEFAULT_GUIDED_SETTINGS) as Array<keyof GuidedSettings>) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value < 0 || (key !== 'nmsIou' && !Number.isInteger(value))) throw new Error(`guided model option ${key} must be a non-negative ${key === 'nmsIou' ? 'number' : 'integer'}, got ${String(value)}`);
    settings[key] = value;
  }
  if (settings.nmsIou > 1) throw new Error(`guided model option nmsIou must be at most 1, got ${settings.nmsIou}`);
  const modelDir = options.modelDir ?? defaultGuidedModelDir();
  let backend: BackendSelection | null = null;
  let graph: GraphModel | null = null;
  let head: PromptMaskHead | null = null;
  let deepmask: DeepMask | null = null;
  let calibration: ScoreCalibration = calibrationFromMeta({});
  let version: string | null = null;
  let timings: StageTimings = { ...NO_TIMINGS };
  let cache: { key: string; source: ModelImage; view: ImageView } | null = null;
  let previousCache: { counts: string; mask: BinaryMask } | null = null;
  let disposed = false;

  const ready = (): { graph: GraphModel; head: PromptMaskHead } => {
    if (disposed) throw new Error('the guided model is disposed');
    if (!graph || !head) throw new Error('the guided model is not loaded: call load() first');
    return { graph, head };
  };

  /** The view of an image (the last one is cached); `withBoxes` makes sure the detector ran. */
  const viewOf = async (image: ModelImage, withBoxes: boolean): Promise<ImageView> => {
    const parts = ready();
    const key = await imageKey(image);
    if (cache && cache.key === key && (key !== '' || cache.source === image)) {
      if (withBoxes && !cache.view.boxes) {
        const started = performance.now();
        await addDetections(parts.graph, cache.view, settings.detectorBoxes);
        timings.trunk += performance.now() - started;
      }
      return cache.view;
    }
    let started = performance.now();
    const decoded = 'rgb' in image ? image : await decodeImage(image.path, { maxSide: settings.maxDecodeSide });
    timings.decode = performance.now() - started;
    started = performance.now();
    const view = await computeImageView(parts.graph, decoded, withBoxes ? settings.detectorBoxes : 0);
    timings.trunk = performance.now() - started;
    cache?.view.dispose();
    cache = { key, source: image, view };
    return view;
  };

  /** Every candidate of an image, box masks and DeepMask windows, with features and calibrated scores. */
  const collect = async (image: ModelImage): Promise<{ decoded: DecodedImage; candidates: Candidate[]; refine?: (indices: readonly number[]) => Float32Array[] }> => {
    const parts = ready();
    const view = await viewOf(image, true);
    const { decoded } = view;
    let mark = performance.now();
    const scale = viewScale(decoded);
    const boxes = (view.boxes ?? []).slice(0, settings.boxMasks);
    const predictions = parts.head.predict(view.maps, boxes.map((box) => ({ roi: roiAroundBox(box), prompt: { box, clicks: [] } })));
    const candidates: Candidate[] = boxes.map((box, index) => {
      const { logits, iou } = predictions[index];
      const features = boxFeatures(box.score, iou, maskStability(logits));
      return { source: 'box', rect: roiRect(roiAroundBox(box), scale), logits, size: PROMPT_MASK_SIZE, threshold: 0, features, score: calibratedScore(calibration, 'box', features) };
    });
    timings.mask = performance.now() - mark;
    mark = performance.now();
    let refine: ((indices: readonly number[]) => Float32Array[]) | undefined;
    if (deepmask && settings.windows > 0) {
      const windows = await deepmask.scoredWindows(decoded, settings.windows);
      refine = windows.refine;
      const factor = nmsGridFactor(decoded);
      const boxMasks = candidates.map((candidate) => coarseMask(candidate, decoded, factor));
      const windowMasks = windows.candidates.map((_, index) => rectMaskToRle(pasteMaskCoarse(windows.logits[index], windows.maskSize, windows.rects[index], decoded.width, decoded.height, WINDOW_THRESHOLD, factor)));
      const overlaps = boxMasks.length && windowMasks.length ? rleIou(windowMasks, boxMasks, boxMasks.map(() => false)) : windowMasks.map(() => [] as number[]);
      candidates.forEach((candidate, index) => (candidate.coarse = boxMasks[index]));
      windows.candidates.forEach((window, index) => {
        const logits = windows.logits[index];
        const features = windowFeatures(window.scoreLogit, maskStability(logits), Math.max(0, ...overlaps[index]));
        candidates.push({ source: 'window', rect: windows.rects[index], logits, size: windows.maskSize, threshold: WINDOW_THRESHOLD, features, score: calibratedScore(calibration, 'window', features), window: index, coarse: windowMasks[index] });
      });
    }
    timings.score = performance.now() - mark;
    return { decoded, candidates, ...(refine ? { refine } : {}) };
  };

  const previousMaskOf = (prompt: SegmentPrompt): BinaryMask | null => {
    if (!prompt.previousMask) return null;
    if (previousCache?.counts !== prompt.previousMask.counts) previousCache = { counts: prompt.previousMask.counts, mask: decodeRle(fromCocoRle(prompt.previousMask)) };
    return previousCache.mask;
  };

  return {
    settings,
    get calibration() {
      return calibration;
    },
    get backend() {
      return backend;
    },
    get modelVersion() {
      return version;
    },
    get lastTimings() {
      return timings;
    },

    async load() {
      if (disposed) throw new Error('the guided model is disposed');
      backend = await selectBackend(options.backend);
      const manifest = await readHeadsManifest(modelDir);
      if (manifest.meta?.architecture !== GUIDED_ARCHITECTURE) throw new Error(`${modelDir} does not hold a guided model (meta.architecture is ${String(manifest.meta?.architecture)})`);
      version = typeof manifest.meta.modelVersion === 'string' ? manifest.meta.modelVersion : 'untrained';
      calibration = calibrationFromMeta(manifest.meta);
      const deepmaskDir = typeof manifest.meta.deepmaskDir === 'string' ? resolve(modelDir, manifest.meta.deepmaskDir) : null;
      graph ??= await loadCenternetGraph({ dynamicInput: false });
      head ??= await loadPromptMaskHead(modelDir);
      if (settings.windows > 0) {
        if (!deepmaskDir) throw new Error(`${modelDir}/heads.json names no meta.deepmaskDir (the DeepMask heads its windows come from)`);
        deepmask ??= createDeepMask({ ...GUIDED_DEEPMASK_DEFAULTS, ...options.deepmask, modelDir: deepmaskDir, backend: options.backend, refineTop: settings.refineTop });
        await deepmask.load();
      }
      // Warm-up: every kernel of a propose and a click.
      const blank: DecodedImage = { width: 64, height: 64, rgb: new Uint8Array(64 * 64 * 3), originalWidth: 64, originalHeight: 64 };
      await this.propose(blank, { maxProposals: 1 });
      await this.segmentAt(blank, { clicks: [{ x: 32, y: 32, positive: true }] });
      cache?.view.dispose();
      cache = null;
    },

    async scoredCandidates(image) {
      timings = { ...NO_TIMINGS };
      const { decoded, candidates } = await collect(image);
      return { decoded, candidates: candidates.map((candidate) => ({ source: candidate.source, features: candidate.features, score: candidate.score, rle: rectMaskToRle(pasteMask(candidate.logits, candidate.size, candidate.rect, decoded.width, decoded.height, candidate.threshold)) })) };
    },

    async propose(image, { maxProposals, withPolygons = true }) {
      if (!(Number.isInteger(maxProposals) && maxProposals > 0)) throw new Error(`maxProposals must be a positive integer, got ${maxProposals}`);
      const started = performance.now();
      timings = { ...NO_TIMINGS };
      const { decoded, candidates, refine } = await collect(image);
      const mark = performance.now();
      const proposals = selectMerged(decoded, candidates, settings, maxProposals, version ?? 'untrained', withPolygons, refine);
      timings.postprocess = performance.now() - mark;
      timings.total = performance.now() - started;
      return proposals;
    },

    async describe(image, masks) {
      const parts = ready();
      const view = await viewOf(image, true);
      for (const mask of masks) {
        if (mask.width !== view.decoded.originalWidth || mask.height !== view.decoded.originalHeight) throw new Error(`mask is ${mask.width}x${mask.height}, the image ${view.decoded.originalWidth}x${view.decoded.originalHeight}`);
      }
      const classMap = view.classMap ? (view.classMap.dataSync() as Float32Array) : null;
      return describeInstances(parts.head, view.maps, classMap, view.boxes ?? [], masks);
    },

    async segmentAt(image, prompt) {
      const parts = ready();
      const started = performance.now();
      timings = { ...NO_TIMINGS };
      const previous = previousMaskOf(prompt);
      // The detector's boxes help a first click only where proposals already ran (the app proposes on
      // opening an image): running the detector for a click would cost ~130 ms more.
      const view = await viewOf(image, false);
      const { decoded } = view;
      const hasPositive = prompt.clicks.some((click) => click.positive);
      if (!prompt.box && !hasPositive && !previous?.data.includes(1)) return null;
      if (previous && (previous.width !== decoded.originalWidth || previous.height !== decoded.originalHeight)) throw new Error(`previous mask is ${previous.width}x${previous.height}, the image ${decoded.originalWidth}x${decoded.originalHeight}`);
      let mark = performance.now();
      const result = segmentInView(parts.head, view.maps, decoded.originalWidth, decoded.originalHeight, prompt, previous, view.boxes ?? [], settings.clickBoxes);
      timings.mask = performance.now() - mark;
      mark = performance.now();
      const mask = pasteMask(result.logits, PROMPT_MASK_SIZE, roiRect(result.roi, viewScale(decoded)), decoded.width, decoded.height, 0);
      const instance = mask.data.includes(1) ? maskInstance(decoded, mask, rectMaskToRle(mask), result.iou, 'click', version ?? 'untrained', true) : null;
      timings.postprocess = performance.now() - mark;
      timings.total = performance.now() - started;
      return instance;
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      cache?.view.dispose();
      cache = null;
      head?.dispose();
      graph?.dispose();
      deepmask?.dispose();
    },
  };
}

/** A ROI in view pixels as a rectangle of the decoded image. */
function roiRect(roi: Roi, scale: { x: number; y: number }): Rect {
  return { x: roi.x * scale.x, y: roi.y * scale.y, width: roi.width * scale.x, height: roi.height * scale.y };
}

/** NMS over every candidate's mask (on a coarse grid), the best maxProposals as Instances. */
function selectMerged(
  decoded: DecodedImage,
  candidates: readonly Candidate[],
  settings: GuidedSettings,
  maxProposals: number,
  modelVersion: string,
  withPolygons: boolean,
  refine?: (indices: readonly number[]) => Float32Array[],
): Instance[] {
  const factor = nmsGridFactor(decoded);
  const coarse = candidates.map((candidate) => ({ rle: candidate.coarse ?? coarseMask(candidate, decoded, factor), score: candidate.score }));
  const kept = maskNms(coarse, settings.nmsIou, maxProposals);
  const refined = new Map<number, Float32Array>();
  if (refine && settings.refineTop > 0) {
    const windows = kept.filter((index) => candidates[index].source === 'window').slice(0, settings.refineTop);
    refine(windows.map((index) => candidates[index].window as number)).forEach((logits, k) => refined.set(windows[k], logits));
  }
  const instances: Instance[] = [];
  for (const index of kept) {
    const candidate = candidates[index];
    const mask = pasteMask(refined.get(index) ?? candidate.logits, candidate.size, candidate.rect, decoded.width, decoded.height, candidate.threshold);
    if (!mask.data.includes(1)) continue;
    instances.push(maskInstance(decoded, mask, rectMaskToRle(mask), candidate.score, 'model', modelVersion, withPolygons));
  }
  return instances.sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
}

/** The NMS grid's cell size in decoded pixels (the grid is at most NMS_GRID_SIDE on its longer side). */
function nmsGridFactor(decoded: DecodedImage): number {
  return Math.max(1, Math.max(decoded.width, decoded.height) / NMS_GRID_SIDE);
}

/** A candidate's mask on the NMS grid. */
function coarseMask(candidate: Candidate, decoded: DecodedImage, factor: number): Rle {
  return rectMaskToRle(pasteMaskCoarse(candidate.logits, candidate.size, candidate.rect, decoded.width, decoded.height, candidate.threshold, factor));
}

/** A cache key for a file (path + size + mtime); '' for decoded pixels (compared by identity). */
async function imageKey(image: ModelImage): Promise<string> {
  if ('rgb' in image) return '';
  const info = await stat(image.path).catch(() => null);
  return `${image.path}\u0000${info?.size ?? -1}\u0000${info?.mtimeMs ?? -1}`;
}

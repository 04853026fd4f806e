// The DeepMask training sampler: draws window specs for (patch, mask, score) triplets from a set of
// annotated images. Pure logic: it knows boxes and sizes, never pixels or tensors; the trainer turns
// a spec into a 14 x 14 feature window (feature cache) and a 56 x 56 target (mask-target.ts).
//
// Positives: pick an annotated (non-crowd) object uniformly, then jitter it: a random lattice scale
// among those putting its larger side within 128 * 2^(+-1/4) px, a random mirror, and a random
// grid-aligned window whose centre is within +-16 px of the object's centre (see geometry.ts).
// Negatives: a random window (centre inside the view) of a random view such that no object at all,
// crowd regions included, is within 32 px of its centre at a scale within a factor 2 of canonical.
// Windows in between (neither) are never drawn.
//
// Fine-tuning on an annotator's corrections adds, per image: hard negatives (boxes of rejected
// proposals, drawn by hard-negatives.ts), regions nobody has judged yet (they only keep background
// negatives away), and whether background negatives may be drawn at all (only where every object is
// annotated). Score batches stay half positives, half negatives; when there are both kinds, each
// negative is a hard one or a background one with equal chance. With none of these fields set (COCO
// training) the sampler draws exactly as before.
import { ApiError } from '../../../shared/api/errors';
import { hardNegativeLevels, hardNegativeWindows } from './hard-negatives';
import {
  boxInView,
  isNearFor,
  makeView,
  positiveLevels,
  positiveWindows,
  WINDOW_GEOMETRY,
  type Bbox,
  type ImageView,
  type WindowPosition,
} from './geometry';
import { SeededRandom } from './random';

/** An annotated object as the sampler needs it. */
/**
 * Why a sampler cannot be built from the images, in `details.reason` of the ApiError
 * (INVALID_ARGUMENT) its constructor throws: no object fits as a positive, or no negative can be drawn.
 */
export type SamplerRefusal = 'NO_POSITIVES' | 'NO_NEGATIVES';

interface SamplerObject {
  /** COCO bbox of the object's mask, original-image pixels. */
  bbox: Bbox;
  /** Crowd regions are never positives, but still keep windows on them from being negatives. */
  iscrowd: boolean;
}

export interface SamplerImage {
  /** Original size in pixels. */
  width: number;
  height: number;
  objects: readonly SamplerObject[];
  /** Boxes (original pixels) of rejected proposals: windows centred on them are hard negatives. */
  hardNegatives?: readonly Bbox[];
  /** Boxes of undecided regions (unjudged proposals): never positives, keep background negatives away. */
  undecided?: readonly Bbox[];
  /** Random background windows of this image may be negatives (all its objects are annotated). Default true. */
  backgroundNegatives?: boolean;
}

interface SamplerOptions {
  /** Largest side of a rescaled view, pixels (bounds trunk time and memory). Default 1024. */
  maxViewSide?: number;
  /** Horizontal-flip jitter. Default true. */
  flip?: boolean;
  /** Seed of the sampler's random choices. Default 1. */
  seed?: number;
  /**
   * Background negatives also use the view nearest the original size (the largest, costliest one).
   * Default true. Fine-tuning turns it off: background windows then come from the views the image's
   * objects and hard negatives need anyway, and the native view only serves images without any.
   */
  nativeView?: boolean;
}

/** One training window: where to cut it and what it should predict. */
export interface WindowSample {
  imageIndex: number;
  view: ImageView;
  /** Top-left corner of the 14 x 14 window in feature cells of the view. */
  position: WindowPosition;
  /** +1: an object is centred at canonical scale (mask target = that object); -1: no object is. */
  label: 1 | -1;
  /** Index into the image's objects for positives; -1 for negatives. */
  objectIndex: number;
  /** For hard negatives: index into the image's hardNegatives. */
  hardNegativeIndex?: number;
}

interface HardNegative {
  imageIndex: number;
  hardNegativeIndex: number;
  levels: number[];
}

interface PositiveObject {
  imageIndex: number;
  objectIndex: number;
  levels: number[];
}

const MAX_NEGATIVE_ATTEMPTS = 2000;

export class WindowSampler {
  /** The options that shape the draws (checkpoints record them; nativeView is kept apart so COCO runs record what they always did). */
  readonly options: Required<Omit<SamplerOptions, 'nativeView'>>;
  private readonly nativeView: boolean;
  private readonly random: SeededRandom;
  private readonly positives: PositiveObject[] = [];
  private readonly imageLevels: number[][] = [];
  private readonly hardNegatives: HardNegative[] = [];
  /** Images whose random windows may be negatives; all of them unless some opt out. */
  private readonly backgroundImages: number[] = [];

  constructor(
    readonly images: readonly SamplerImage[],
    options: SamplerOptions = {},
  ) {
    this.options = { maxViewSide: options.maxViewSide ?? 1024, flip: options.flip ?? true, seed: options.seed ?? 1 };
    this.nativeView = options.nativeView ?? true;
    if (!(this.options.maxViewSide >= WINDOW_GEOMETRY.sizeMultiple)) {
      throw new Error(`WindowSampler: maxViewSide must be >= ${WINDOW_GEOMETRY.sizeMultiple} px, got ${this.options.maxViewSide}`);
    }
    this.random = new SeededRandom(this.options.seed);
    images.forEach((image, imageIndex) => this.indexImage(image, imageIndex));
    if (this.positives.length === 0) {
      throw new ApiError('INVALID_ARGUMENT', 'WindowSampler: no object can be a positive (need non-crowd objects whose size fits a view of at most maxViewSide px)', {
        reason: 'NO_POSITIVES' satisfies SamplerRefusal,
      });
    }
    if (this.hardNegatives.length === 0 && this.backgroundImages.length === 0) {
      throw new ApiError('INVALID_ARGUMENT', 'WindowSampler: no negatives can be drawn (need hard negatives, or an image whose background may be sampled)', {
        reason: 'NO_NEGATIVES' satisfies SamplerRefusal,
      });
    }
  }

  /** Number of hard-negative boxes that can be drawn (those with a window no object is near). */
  get hardNegativeCount(): number {
    return this.hardNegatives.length;
  }

  /** Number of images random background negatives are drawn from. */
  get backgroundImageCount(): number {
    return this.backgroundImages.length;
  }

  /** Number of objects that can be drawn as positives. */
  get positiveObjectCount(): number {
    return this.positives.length;
  }

  /** Every view the sampler may draw from for an image: what the feature cache must provide. */
  views(imageIndex: number): ImageView[] {
    const image = this.images[imageIndex];
    const flips = this.options.flip ? [false, true] : [false];
    return this.imageLevels[imageIndex].flatMap((level) => flips.map((flipped) => makeView(image.width, image.height, level, flipped)));
  }

  drawPositive(): WindowSample {
    const { imageIndex, objectIndex, levels } = this.random.pick(this.positives);
    const image = this.images[imageIndex];
    const level = this.random.pick(levels);
    const flipped = this.options.flip && this.random.next() < 0.5;
    const view = makeView(image.width, image.height, level, flipped);
    const windows = positiveWindows(boxInView(image.objects[objectIndex].bbox, view));
    // positiveLevels checked the scale band with this exact view geometry, and the +-16 px band
    // always holds a grid point, so `windows` is non-empty; guard anyway so a bug fails loudly.
    if (windows.length === 0) throw new Error(`WindowSampler: object ${objectIndex} of image ${imageIndex} has no positive window at level ${level}`);
    return { imageIndex, view, position: this.random.pick(windows), label: 1, objectIndex };
  }

  /** A negative: hard or background (equal chance when both exist). */
  drawNegative(): WindowSample {
    if (this.hardNegatives.length === 0) return this.drawBackgroundNegative();
    if (this.backgroundImages.length === 0) return this.drawHardNegative();
    return this.random.next() < 0.5 ? this.drawHardNegative() : this.drawBackgroundNegative();
  }

  /** A window centred on a rejected proposal (positive jitter) that no annotated object is near. */
  drawHardNegative(): WindowSample {
    if (this.hardNegatives.length === 0) throw new Error('WindowSampler: there are no hard negatives');
    const { imageIndex, hardNegativeIndex, levels } = this.random.pick(this.hardNegatives);
    const image = this.images[imageIndex];
    const level = this.random.pick(levels);
    const flipped = this.options.flip && this.random.next() < 0.5;
    const view = makeView(image.width, image.height, level, flipped);
    const windows = hardNegativeWindows((image.hardNegatives as readonly Bbox[])[hardNegativeIndex], image.objects.map((object) => object.bbox), view);
    if (windows.length === 0) throw new Error(`WindowSampler: hard negative ${hardNegativeIndex} of image ${imageIndex} has no window at level ${level}`);
    return { imageIndex, view, position: this.random.pick(windows), label: -1, objectIndex: -1, hardNegativeIndex };
  }

  /** A random window of an image open to background sampling that no object or undecided region is near. */
  drawBackgroundNegative(): WindowSample {
    if (this.backgroundImages.length === 0) throw new Error('WindowSampler: no image allows background negatives');
    const half = WINDOW_GEOMETRY.windowPixels / 2;
    const stride = WINDOW_GEOMETRY.stride;
    const everyImage = this.backgroundImages.length === this.images.length;
    for (let attempt = 0; attempt < MAX_NEGATIVE_ATTEMPTS; attempt++) {
      // Every image allowed (COCO training): the same draw as always, so seeded runs do not change.
      const imageIndex = everyImage ? this.random.int(0, this.images.length - 1) : this.random.pick(this.backgroundImages);
      const image = this.images[imageIndex];
      const level = this.random.pick(this.imageLevels[imageIndex]);
      const flipped = this.options.flip && this.random.next() < 0.5;
      const view = makeView(image.width, image.height, level, flipped);
      // Window centres inside the view: centre = 16 * cell + 112 in [0, size].
      const position = {
        cellX: this.random.int(Math.ceil(-half / stride), Math.floor((view.width - half) / stride)),
        cellY: this.random.int(Math.ceil(-half / stride), Math.floor((view.height - half) / stride)),
      };
      const near =
        image.objects.some((object) => isNearFor(boxInView(object.bbox, view), position)) ||
        (image.undecided ?? []).some((box) => isNearFor(boxInView(box, view), position));
      if (!near) return { imageIndex, view, position, label: -1, objectIndex: -1 };
    }
    throw new Error(`WindowSampler: found no negative window in ${MAX_NEGATIVE_ATTEMPTS} attempts`);
  }

  /** A batch for the mask branch: positives only (negatives carry no mask loss). */
  maskBatch(size: number): WindowSample[] {
    return Array.from({ length: size }, () => this.drawPositive());
  }

  /** A batch for the score branch: exactly half positives, half negatives, in random order. */
  scoreBatch(size: number): WindowSample[] {
    if (size < 2 || size % 2 !== 0) throw new Error(`WindowSampler.scoreBatch: size must be even and >= 2, got ${size}`);
    const batch = [...Array.from({ length: size / 2 }, () => this.drawPositive()), ...Array.from({ length: size / 2 }, () => this.drawNegative())];
    for (let i = batch.length - 1; i > 0; i--) {
      const j = this.random.int(0, i);
      [batch[i], batch[j]] = [batch[j], batch[i]];
    }
    return batch;
  }

  /** State of the random generator, for checkpoints: restoring it replays the same draws. */
  getRandomState(): number {
    return this.random.getState();
  }

  setRandomState(state: number): void {
    this.random.setState(state);
  }

  private indexImage(image: SamplerImage, imageIndex: number): void {
    if (!(image.width > 0 && image.height > 0)) throw new Error(`WindowSampler: image ${imageIndex} has invalid size ${image.width}x${image.height}`);
    const levels = new Set<number>();
    image.objects.forEach((object, objectIndex) => {
      if (object.iscrowd) return;
      const objectLevels = positiveLevels(object.bbox, image.width, image.height, this.options.maxViewSide);
      if (objectLevels.length === 0) return;
      objectLevels.forEach((level) => levels.add(level));
      this.positives.push({ imageIndex, objectIndex, levels: objectLevels });
    });
    const background = image.backgroundNegatives ?? true;
    // The view nearest the original size (within the size cap), so negatives cover images whose
    // objects are all too small or absent.
    const nativeLevel = (): number => {
      let level = 0;
      const longSide = (candidate: number): number => Math.max(makeView(image.width, image.height, candidate, false).width, makeView(image.width, image.height, candidate, false).height);
      while (level > -40 && longSide(level) > this.options.maxViewSide) level--;
      return level;
    };
    if (background) {
      this.backgroundImages.push(imageIndex);
      if (this.nativeView) levels.add(nativeLevel());
    }
    // Every view costs a trunk pass, and rejected proposals come in all sizes: a hard negative uses
    // the views the image needs anyway when its scale band meets them, else one view of its own
    // (the lattice level nearest its canonical scale), so it adds at most one level.
    const blockers = image.objects.map((object) => object.bbox);
    (image.hardNegatives ?? []).forEach((box, hardNegativeIndex) => {
      const candidates = hardNegativeLevels(box, blockers, image.width, image.height, this.options.maxViewSide);
      if (candidates.length === 0) return;
      const shared = candidates.filter((level) => levels.has(level));
      const negativeLevels = shared.length > 0 ? shared : [nearestLevel(candidates, box)];
      negativeLevels.forEach((level) => levels.add(level));
      this.hardNegatives.push({ imageIndex, hardNegativeIndex, levels: negativeLevels });
    });
    if (background && levels.size === 0) levels.add(nativeLevel());
    this.imageLevels[imageIndex] = [...levels].sort((a, b) => a - b);
  }
}

/** The level among `levels` whose nominal scale puts the box's larger side closest to canonical. */
function nearestLevel(levels: readonly number[], box: Bbox): number {
  const nominal = Math.log2(WINDOW_GEOMETRY.canonicalObjectPixels / Math.max(box[2], box[3])) * WINDOW_GEOMETRY.levelsPerOctave;
  return levels.reduce((best, level) => (Math.abs(level - nominal) < Math.abs(best - nominal) ? level : best));
}

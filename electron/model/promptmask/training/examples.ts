// Training examples of the prompt-mask head, drawn from cached views. Each example is a ROI on a view,
// a prompt and, for positives, the target object's mask on the ROI's 56 x 56 grid:
//   detector box  (30%)  a detector box of the view that overlaps the object at IoU >= .5 (else a jittered
//                         ground-truth box), ROI = the box widened 1.4x: what proposals see
//   jittered box  (15%)  the object's box, each edge moved by N(0, 8% of its side): a box the user drags
//   clicks        (45%)  a first click at an interior point of the object; the ROI is the whole view
//                         (a first click) or the object's box widened 1.2-2x and shifted (a zoomed
//                         later click); 0-3 more clicks follow from the model's own errors (the trainer
//                         runs them: RITM's iterative training)
//                         On an object the user segmented interactively, half the click examples
//                         are instead the user's own session: their clicks (and box), the final mask.
//   negative box  (10%)  a detector box on no object (IoU < .3 with every object and crowd region) of
//                         a completely annotated image, or a proposal the user rejected: no mask
//                         loss, predicted IoU 0
// Boxes get 1-2 correcting clicks a quarter of the time (a box refined with clicks).
import { SeededRandom } from '../../sampler/random';
import { interiorMostPoint, squaredDistanceToOutside } from '../click-simulation';
import { PROMPT_MASK_SIZE } from '../network';
import type { ViewClick } from '../prompts';
import { BOX_ROI_EXPANSION, MIN_ROI_SIDE, roiAroundBox, type Roi } from '../roi';
import { VIEW_SIZE } from '../detector-view';
import { boxToView, imageToView, viewToImage } from '../view-transform';
import { objectCovers, type TrainingImage, type TrainingView } from './training-data';

export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export type ExampleKind = 'detector-box' | 'jittered-box' | 'clicks' | 'negative-box';

export interface Example {
  kind: ExampleKind;
  viewIndex: number;
  roi: Roi;
  box?: Box;
  clicks: ViewClick[];
  /** The object's mask on the ROI grid (56 x 56, row-major); null for negatives. */
  target: Uint8Array | null;
  /** Correcting clicks the trainer adds from the model's own errors before the trained pass. */
  rounds: number;
}

/** Objects of a view usable as targets: at least 85% of their box inside the view, at least 6 px. */
export function viewObjects(image: TrainingImage, view: TrainingView): Array<{ objectIndex: number; box: Box }> {
  const result: Array<{ objectIndex: number; box: Box }> = [];
  image.objects.forEach((object, objectIndex) => {
    const [x, y, width, height] = object.bbox;
    const box = boxToView(view.transform, { x1: x, y1: y, x2: x + width, y2: y + height });
    const inside = intersection(box, { x1: 0, y1: 0, x2: VIEW_SIZE, y2: VIEW_SIZE });
    const area = (box.x2 - box.x1) * (box.y2 - box.y1);
    if (area > 0 && inside / area >= 0.85 && Math.max(box.x2 - box.x1, box.y2 - box.y1) >= 6) result.push({ objectIndex, box });
  });
  return result;
}

/** The object's mask sampled at the centres of the ROI's grid cells. */
export function targetGrid(image: TrainingImage, view: TrainingView, objectIndex: number, roi: Roi): Uint8Array {
  const size = PROMPT_MASK_SIZE;
  const object = image.objects[objectIndex];
  const grid = new Uint8Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      const point = viewToImage(view.transform, roi.x + ((column + 0.5) * roi.width) / size, roi.y + ((row + 0.5) * roi.height) / size);
      if (objectCovers(object, point.x, point.y)) grid[row * size + column] = 1;
    }
  }
  return grid;
}

/** A random interior point of a grid (a cell at least half as far from the outside as the farthest), in ROI grid cells. */
export function randomInteriorCell(grid: Uint8Array, random: SeededRandom): { column: number; row: number } | null {
  const size = PROMPT_MASK_SIZE;
  const distances = squaredDistanceToOutside({ width: size, height: size, data: grid });
  let maximum = 0;
  for (const value of distances) maximum = Math.max(maximum, value);
  if (maximum === 0) return null;
  const candidates: number[] = [];
  distances.forEach((value, index) => {
    if (value >= maximum * 0.25) candidates.push(index);
  });
  const index = random.pick(candidates);
  return { column: index % size, row: Math.floor(index / size) };
}

export function cellToView(roi: Roi, column: number, row: number): { x: number; y: number } {
  return { x: roi.x + ((column + 0.5) * roi.width) / PROMPT_MASK_SIZE, y: roi.y + ((row + 0.5) * roi.height) / PROMPT_MASK_SIZE };
}

function intersection(a: Box, b: Box): number {
  return Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1)) * Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
}

export function boxIou(a: Box, b: Box): number {
  const overlap = intersection(a, b);
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - overlap;
  return union > 0 ? overlap / union : 0;
}

function gaussian(random: SeededRandom): number {
  const u = Math.max(random.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

function jitterBox(box: Box, random: SeededRandom, fraction: number): Box {
  const width = box.x2 - box.x1;
  const height = box.y2 - box.y1;
  const x1 = box.x1 + gaussian(random) * fraction * width;
  const x2 = box.x2 + gaussian(random) * fraction * width;
  const y1 = box.y1 + gaussian(random) * fraction * height;
  const y2 = box.y2 + gaussian(random) * fraction * height;
  return { x1: Math.min(x1, x2 - 2), y1: Math.min(y1, y2 - 2), x2: Math.max(x2, x1 + 2), y2: Math.max(y2, y1 + 2) };
}

/** Draws one example from a view, or null when the view has nothing of the drawn kind. */
export function drawExample(images: readonly TrainingImage[], views: readonly TrainingView[], viewIndex: number, random: SeededRandom): Example | null {
  const view = views[viewIndex];
  const image = images[view.imageIndex];
  const objects = viewObjects(image, view);
  const roll = random.next();
  if (roll >= 0.9) return negativeExample(image, view, viewIndex, random);
  if (objects.length === 0) return null;
  const { objectIndex, box: objectBox } = random.pick(objects);
  const boxRounds = (): number => (random.next() < 0.25 ? random.int(1, 2) : 0);
  if (roll < 0.45) {
    let box: Box;
    let kind: ExampleKind = 'jittered-box';
    const matches = roll < 0.3 ? view.boxes.filter((candidate) => boxIou(candidate, objectBox) >= 0.5) : [];
    if (matches.length > 0) {
      box = random.pick(matches);
      kind = 'detector-box';
    } else box = jitterBox(objectBox, random, 0.08);
    const roi = roiAroundBox(box, BOX_ROI_EXPANSION);
    return { kind, viewIndex, roi, box, clicks: [], target: targetGrid(image, view, objectIndex, roi), rounds: boxRounds() };
  }
  // Clicks the user made on this object (fine-tuning on their own sessions): their prompt, the final mask as target.
  const session = image.objects[objectIndex].session;
  if (session && random.next() < 0.5) {
    const roi = roiAroundBox(objectBox);
    const clicks = session.clicks.map((click) => ({ ...imageToView(view.transform, click.x, click.y), positive: click.positive }));
    const box = session.box ? boxToView(view.transform, session.box) : undefined;
    return { kind: 'clicks', viewIndex, roi, ...(box ? { box } : {}), clicks, target: targetGrid(image, view, objectIndex, roi), rounds: 0 };
  }
  // Clicks: a first click's whole view, or a zoomed view around the object.
  let roi: Roi;
  const side = Math.max(objectBox.x2 - objectBox.x1, objectBox.y2 - objectBox.y1);
  if (random.next() < 0.3 && side >= 24) roi = { x: 0, y: 0, width: VIEW_SIZE, height: VIEW_SIZE };
  else {
    const factor = 1.2 + 0.8 * random.next();
    const width = Math.max(MIN_ROI_SIDE, (objectBox.x2 - objectBox.x1) * factor);
    const height = Math.max(MIN_ROI_SIDE, (objectBox.y2 - objectBox.y1) * factor);
    const cx = (objectBox.x1 + objectBox.x2) / 2 + gaussian(random) * 0.08 * width;
    const cy = (objectBox.y1 + objectBox.y2) / 2 + gaussian(random) * 0.08 * height;
    roi = { x: cx - width / 2, y: cy - height / 2, width, height };
  }
  const target = targetGrid(image, view, objectIndex, roi);
  const first = randomInteriorCell(target, random);
  if (!first) return null;
  const click = cellToView(roi, first.column, first.row);
  const rounds = [0, 1, 2, 3][Math.min(3, Math.floor(random.next() * 4))];
  return { kind: 'clicks', viewIndex, roi, clicks: [{ ...click, positive: true }], target, rounds };
}

function negativeExample(image: TrainingImage, view: TrainingView, viewIndex: number, random: SeededRandom): Example | null {
  const toView = (bbox: readonly number[]): Box => boxToView(view.transform, { x1: bbox[0], y1: bbox[1], x2: bbox[0] + bbox[2], y2: bbox[1] + bbox[3] });
  const everyObject = image.objects.map((object) => toView(object.bbox));
  const crowds = image.crowdBoxes.map(toView);
  // Detector boxes are negatives only where every object is annotated; rejected proposals always are.
  const candidates = [...(image.complete ? view.boxes : []), ...image.rejectedBoxes.map(toView)];
  const free = candidates.filter((box) => box.x2 - box.x1 >= 2 && box.y2 - box.y1 >= 2 && everyObject.every((other) => boxIou(box, other) < 0.3) && crowds.every((crowd) => intersection(box, crowd) < 0.3 * (box.x2 - box.x1) * (box.y2 - box.y1)));
  if (free.length === 0) return null;
  const box = random.pick(free);
  return { kind: 'negative-box', viewIndex, roi: roiAroundBox(box, BOX_ROI_EXPANSION), box, clicks: [], target: null, rounds: 0 };
}

/** The first click of a clicks example is also available to bench code: the interior-most cell. */
export function interiorClick(target: Uint8Array, roi: Roi): ViewClick | null {
  const point = interiorMostPoint({ width: PROMPT_MASK_SIZE, height: PROMPT_MASK_SIZE, data: target });
  return point ? { ...cellToView(roi, point.x, point.y), positive: true } : null;
}

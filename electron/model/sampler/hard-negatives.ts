// Hard negatives of fine-tuning: windows centred on a proposal the annotator rejected, at the scale
// the network saw it (its larger side at the canonical 128 px), so the score branch learns "no object
// here" exactly where it was wrong. They get the positives' jitter (lattice scales within
// 128 * 2^(+-1/4), centre within +-16 px, mirror), and a window is kept only if no blocking object
// (an annotated object or a crowd region) is near its centre by the negatives' rule (isNearFor): a
// rejected duplicate of an accepted object must not teach "no object" on that object.
import { boxInView, isNearFor, makeView, positiveLevels, positiveWindows, type Bbox, type ImageView, type WindowPosition } from './geometry';

/** Window positions in `view` centred on `box` (positive jitter) that no blocker is near. */
export function hardNegativeWindows(box: Bbox, blockers: readonly Bbox[], view: ImageView): WindowPosition[] {
  const blocking = blockers.map((blocker) => boxInView(blocker, view));
  return positiveWindows(boxInView(box, view)).filter((position) => !blocking.some((blocker) => isNearFor(blocker, position)));
}

/**
 * Lattice levels (views of at most maxViewSide px) at which `box` has at least one hard-negative
 * window. Empty means the box cannot be a negative: it is too large or small for any view, or an
 * object is near it at every jittered window (mirroring does not change nearness, so unflipped
 * views decide for both).
 */
export function hardNegativeLevels(box: Bbox, blockers: readonly Bbox[], width: number, height: number, maxViewSide: number): number[] {
  return positiveLevels(box, width, height, maxViewSide).filter((level) => hardNegativeWindows(box, blockers, makeView(width, height, level, false)).length > 0);
}

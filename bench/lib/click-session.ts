// The simulated annotator's click session on one object (issue #19): what a user of the app does when
// no proposal fits, with the field's standard click protocol (bench/click-noc.ts): the first click at
// the object's interior-most point, each next one at the interior-most point of the larger error
// (positive where the mask misses the object, negative where it spills), every click sent with the
// earlier ones and the previous mask, until the mask reaches the annotator's IoU bar or the clicks run
// out (then the user draws the object by hand instead).
import type { MaskPilotApi } from '../../shared/api/contract';
import type { ImageId, Instance, SegmentClick } from '../../shared/api/types';
import { decodeRle, fromCocoRle, type BinaryMask, type Rle } from '../../shared/geometry';
import { interiorMostPoint, nextClick } from '../../electron/model/promptmask/click-simulation';

export interface ClickSessionResult {
  /** The accepted result, or null when the bar was not reached within maxClicks. */
  instance: Instance | null;
  /** Clicks made (all of them, also in a session that gave up). */
  clicks: number;
  /** IoU of the last result with the object. */
  iou: number;
}

export async function clickSession(api: Pick<MaskPilotApi, 'segmentAt'>, imageId: ImageId, object: Rle, maxClicks: number, iouThreshold: number): Promise<ClickSessionResult> {
  const truth = decodeRle(object);
  const first = interiorMostPoint(truth);
  if (!first || maxClicks <= 0) return { instance: null, clicks: 0, iou: 0 };
  const clicks: SegmentClick[] = [{ x: first.x + 0.5, y: first.y + 0.5, positive: true }];
  let current: Instance | null = null;
  let iou = 0;
  while (clicks.length <= maxClicks) {
    const { instance } = await api.segmentAt({ imageId, clicks: [...clicks], ...(current ? { previousMask: current.rle } : {}) });
    if (instance) current = instance;
    const predicted = current ? decodeRle(fromCocoRle(current.rle)) : emptyLike(truth);
    iou = maskIou(predicted, truth);
    if (iou >= iouThreshold) return { instance: current, clicks: clicks.length, iou };
    if (clicks.length === maxClicks) break;
    const next = nextClick(predicted, truth);
    if (!next) break;
    clicks.push({ x: next.x + 0.5, y: next.y + 0.5, positive: next.positive });
  }
  return { instance: null, clicks: clicks.length, iou };
}

function emptyLike(mask: BinaryMask): BinaryMask {
  return { width: mask.width, height: mask.height, data: new Uint8Array(mask.data.length) };
}

function maskIou(a: BinaryMask, b: BinaryMask): number {
  let overlap = 0;
  let union = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (a.data[i] && b.data[i]) overlap++;
    if (a.data[i] || b.data[i]) union++;
  }
  return union > 0 ? overlap / union : 0;
}

// Validation of segmentAt's prompt (clicks, box, previous mask) against the image it is for: every
// coordinate inside the image, a box with positive area, a previous mask of the image's size.
import type { CocoRle, SegmentBox, SegmentClick, SegmentPrompt } from '../../../shared/api/types';
import type { Fields } from './validate';
import { invalid, isPlainObject, objectOf, optionalInteger, requiredFiniteNumber } from './validate';

/** More clicks than any interaction needs (the NoC protocol stops at 20). */
const MAX_CLICKS = 64;

/** `prefix` names where the prompt sits in error messages (e.g. 'instances[2].prompt'); none for segmentAt's own fields. */
export function parseSegmentPrompt(fields: Fields, width: number, height: number, prefix = ''): SegmentPrompt {
  const at = (name: string): string => (prefix ? `${prefix}.${name}` : name);
  const within = (value: number, limit: number, field: string): number => {
    if (value < 0 || value > limit) throw invalid(field, `must be within the image, 0..${limit}`);
    return value;
  };
  const rawClicks = fields.clicks;
  if (!Array.isArray(rawClicks)) throw invalid(at('clicks'), 'must be an array');
  if (rawClicks.length > MAX_CLICKS) throw invalid(at('clicks'), `must hold at most ${MAX_CLICKS} clicks`);
  const clicks: SegmentClick[] = rawClicks.map((raw, index) => {
    const field = at(`clicks[${index}]`);
    const click = objectOf(raw, field, ['x', 'y', 'positive']);
    if (typeof click.positive !== 'boolean') throw invalid(`${field}.positive`, 'must be true or false');
    return { x: within(requiredFiniteNumber(click, 'x', `${field}.x`), width, `${field}.x`), y: within(requiredFiniteNumber(click, 'y', `${field}.y`), height, `${field}.y`), positive: click.positive };
  });
  let box: SegmentBox | undefined;
  if (fields.box !== undefined) {
    const raw = objectOf(fields.box, at('box'), ['x1', 'y1', 'x2', 'y2']);
    box = {
      x1: within(requiredFiniteNumber(raw, 'x1', at('box.x1')), width, at('box.x1')),
      y1: within(requiredFiniteNumber(raw, 'y1', at('box.y1')), height, at('box.y1')),
      x2: within(requiredFiniteNumber(raw, 'x2', at('box.x2')), width, at('box.x2')),
      y2: within(requiredFiniteNumber(raw, 'y2', at('box.y2')), height, at('box.y2')),
    };
    if (!(box.x2 > box.x1 && box.y2 > box.y1)) throw invalid(at('box'), 'must have x1 < x2 and y1 < y2');
  }
  if (clicks.length === 0 && !box) throw invalid(at('clicks'), 'at least one click or a box is needed');
  if (!clicks.some((click) => click.positive) && !box && fields.previousMask === undefined) throw invalid(at('clicks'), 'the first click must be positive (or give a box)');
  let previousMask: CocoRle | undefined;
  if (fields.previousMask !== undefined) {
    const raw = fields.previousMask;
    if (!isPlainObject(raw) || !Array.isArray(raw.size) || raw.size.length !== 2 || typeof raw.counts !== 'string') throw invalid('previousMask', 'must be a COCO RLE {size: [height, width], counts}');
    if (raw.size[0] !== height || raw.size[1] !== width) throw invalid('previousMask', `must be ${height}x${width} (the image's size), got ${String(raw.size[0])}x${String(raw.size[1])}`);
    previousMask = { size: [height, width], counts: raw.counts };
  }
  const scaleIndex = optionalInteger(fields, 'scaleIndex', 'scaleIndex', 0, 64);
  return { clicks, ...(box ? { box } : {}), ...(previousMask ? { previousMask } : {}), ...(scaleIndex === undefined ? {} : { scaleIndex }) };
}

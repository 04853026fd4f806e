// Validation of instances, used both for saveAnnotations params (untrusted JSON from a client) and
// for sidecar files read back from disk (possibly hand-edited or damaged). Returns fresh objects
// holding only the known fields, so nothing unexpected is ever persisted.
import type { CocoRle, FlatPolygon, ImageStatus, Instance, InstanceSource, InstanceStatus } from '../../../shared/api/types';
import { parseSegmentPrompt } from './segment-prompt';
import { invalid, objectOf, oneOf } from './validate';

export const IMAGE_STATUSES: readonly ImageStatus[] = ['unvisited', 'inProgress', 'done'];
const INSTANCE_STATUSES: readonly InstanceStatus[] = ['proposed', 'accepted', 'rejected', 'edited'];
const INSTANCE_SOURCES: readonly InstanceSource[] = ['model', 'manual', 'click'];
const INSTANCE_KEYS = ['id', 'polygons', 'rle', 'score', 'status', 'source', 'categoryId', 'modelVersion'] as const;
/** Keys that may be absent. */
const OPTIONAL_INSTANCE_KEYS = ['isCrowd', 'proposalRle', 'suggestedCategoryId', 'suggestionConfidence', 'prompt'] as const;

/** Bounds that keep one image's sidecar a reasonable size (a few MB at most). */
const MAX_INSTANCES = 5000;
const MAX_POLYGONS_PER_INSTANCE = 1000;
const MAX_POLYGON_VALUES = 200_000;

interface InstanceContext {
  /** Oriented image size in pixels; every RLE must cover exactly this. */
  width: number;
  height: number;
  /** Category ids that may be referenced; null skips the check (reading old files). */
  categoryIds: ReadonlySet<number> | null;
}

/**
 * Sum of the runs of a COCO compressed RLE `counts` string, or an error message.
 * Decoding follows COCO's format: 5 bits per character offset by 48, a continuation bit (0x20),
 * a sign bit on the last character, and runs after the second stored as deltas to the run two back.
 */
export function rleCountsTotal(counts: string): number | string {
  const runs: number[] = [];
  let position = 0;
  let total = 0;
  while (position < counts.length) {
    let value = 0;
    let digit = 0;
    let more = true;
    while (more) {
      if (position >= counts.length) return 'ends in the middle of a run';
      const code = counts.charCodeAt(position) - 48;
      if (code < 0 || code > 63) return `invalid character at ${position}`;
      if (digit >= 7) return `run too long at ${position}`;
      value += (code & 0x1f) * 32 ** digit;
      more = (code & 0x20) !== 0;
      position += 1;
      digit += 1;
      if (!more && (code & 0x10) !== 0) value -= 32 ** digit;
    }
    if (runs.length > 2) value += runs[runs.length - 2];
    if (value < 0) return `negative run at ${position}`;
    runs.push(value);
    total += value;
  }
  return total;
}

function validateRle(value: unknown, field: string, context: InstanceContext): CocoRle {
  const fields = objectOf(value, field, ['size', 'counts']);
  const size = fields.size;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((item) => Number.isInteger(item) && item >= 0)) {
    throw invalid(`${field}.size`, 'must be [height, width] in pixels');
  }
  if (size[0] !== context.height || size[1] !== context.width) {
    throw invalid(`${field}.size`, `is [${size[0]}, ${size[1]}] but the image is [${context.height}, ${context.width}] ([height, width])`);
  }
  if (typeof fields.counts !== 'string') throw invalid(`${field}.counts`, 'must be a COCO compressed RLE string');
  const total = rleCountsTotal(fields.counts);
  if (typeof total === 'string') throw invalid(`${field}.counts`, total);
  if (total !== context.width * context.height) {
    throw invalid(`${field}.counts`, `covers ${total} pixels, the image has ${context.width * context.height}`);
  }
  return { size: [size[0], size[1]], counts: fields.counts };
}

function validatePolygons(value: unknown, field: string): FlatPolygon[] {
  if (!Array.isArray(value)) throw invalid(field, 'must be an array of flat [x0, y0, x1, y1, ...] polygons');
  if (value.length > MAX_POLYGONS_PER_INSTANCE) throw invalid(field, `has more than ${MAX_POLYGONS_PER_INSTANCE} polygons`);
  let values = 0;
  return value.map((polygon, index) => {
    const polygonField = `${field}[${index}]`;
    if (!Array.isArray(polygon)) throw invalid(polygonField, 'must be an array of numbers');
    if (polygon.length < 6 || polygon.length % 2 !== 0) throw invalid(polygonField, 'needs an even number of values, at least 3 points');
    values += polygon.length;
    if (values > MAX_POLYGON_VALUES) throw invalid(field, `has more than ${MAX_POLYGON_VALUES / 2} points in total`);
    for (let offset = 0; offset < polygon.length; offset += 1) {
      const coordinate = polygon[offset];
      if (typeof coordinate !== 'number' || !Number.isFinite(coordinate)) throw invalid(`${polygonField}[${offset}]`, 'must be a finite number');
    }
    return polygon.slice() as number[];
  });
}

function nullableString(value: unknown, field: string): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || value.length > 200) throw invalid(field, 'must be a string (at most 200 characters) or null');
  return value;
}

export function validateInstance(value: unknown, field: string, context: InstanceContext): Instance {
  const fields = objectOf(value, field, [...INSTANCE_KEYS, ...OPTIONAL_INSTANCE_KEYS]);
  for (const key of INSTANCE_KEYS) if (!(key in fields)) throw invalid(`${field}.${key}`, 'is required');
  if (typeof fields.id !== 'string' || fields.id.length === 0 || fields.id.length > 200) {
    throw invalid(`${field}.id`, 'must be a non-empty string of at most 200 characters');
  }
  const score = fields.score;
  if (score !== null && (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 1)) {
    throw invalid(`${field}.score`, 'must be a number in [0, 1] or null');
  }
  const categoryId = fields.categoryId;
  if (categoryId !== null) {
    if (typeof categoryId !== 'number' || !Number.isInteger(categoryId) || categoryId < 1) {
      throw invalid(`${field}.categoryId`, 'must be a positive integer or null');
    }
    if (context.categoryIds !== null && !context.categoryIds.has(categoryId)) {
      throw invalid(`${field}.categoryId`, `no category with id ${categoryId} in this project`);
    }
  }
  if (fields.isCrowd !== undefined && typeof fields.isCrowd !== 'boolean') throw invalid(`${field}.isCrowd`, 'must be true or false');
  const instance: Instance = {
    id: fields.id,
    polygons: validatePolygons(fields.polygons, `${field}.polygons`),
    rle: validateRle(fields.rle, `${field}.rle`, context),
    score,
    status: oneOf(fields.status, `${field}.status`, INSTANCE_STATUSES),
    source: oneOf(fields.source, `${field}.source`, INSTANCE_SOURCES),
    categoryId,
    modelVersion: nullableString(fields.modelVersion, `${field}.modelVersion`),
  };
  if (fields.isCrowd === true) instance.isCrowd = true;
  // The mask as the model proposed it (kept by the editor once a proposal is edited): same frame as rle.
  if (fields.proposalRle !== undefined) instance.proposalRle = validateRle(fields.proposalRle, `${field}.proposalRle`, context);
  // A suggestion is advice: kept when well-formed, whether or not its category still exists.
  if (fields.suggestedCategoryId !== undefined) {
    const suggested = fields.suggestedCategoryId;
    if (typeof suggested !== 'number' || !Number.isInteger(suggested) || suggested < 1) throw invalid(`${field}.suggestedCategoryId`, 'must be a positive integer');
    const confidence = fields.suggestionConfidence;
    if (confidence !== undefined && (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1))) throw invalid(`${field}.suggestionConfidence`, 'must be a number in [0, 1]');
    instance.suggestedCategoryId = suggested;
    if (typeof confidence === 'number') instance.suggestionConfidence = confidence;
  }
  if (fields.prompt !== undefined) {
    const prompt = objectOf(fields.prompt, `${field}.prompt`, ['clicks', 'box']);
    // The same rules as a segmentAt prompt, on the image the instance belongs to.
    const parsed = parseSegmentPrompt({ clicks: prompt.clicks, ...(prompt.box === undefined ? {} : { box: prompt.box }) }, context.width, context.height, `${field}.prompt`);
    instance.prompt = { clicks: parsed.clicks, ...(parsed.box ? { box: parsed.box } : {}) };
  }
  return instance;
}

/** Validates a list of instances; ids must be unique within the image. */
export function validateInstances(value: unknown, field: string, context: InstanceContext): Instance[] {
  if (!Array.isArray(value)) throw invalid(field, 'must be an array of instances');
  if (value.length > MAX_INSTANCES) throw invalid(field, `has more than ${MAX_INSTANCES} instances`);
  const seen = new Set<string>();
  return value.map((item, index) => {
    const instance = validateInstance(item, `${field}[${index}]`, context);
    if (seen.has(instance.id)) throw invalid(`${field}[${index}].id`, `duplicate instance id '${instance.id}'`);
    seen.add(instance.id);
    return instance;
  });
}

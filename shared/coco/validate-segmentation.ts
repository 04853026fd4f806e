// Validation of one annotation's `segmentation`: polygons, uncompressed RLE or compressed RLE,
// checked against the image it belongs to. RLE masks are decoded here (the counts must sum to
// height * width), and the decoded mask is handed back so callers need not decode twice.
import { ApiError } from '../api/errors';
import { rleFromString, type Rle } from '../geometry';
import type { CocoPolygons, CocoSegmentation } from './schema';
import { describe, invalid, isSafeInteger, type JsonObject, type RecordRef } from './validate-values';

interface ImageSize {
  /** Pixels, positive integers. */
  width: number;
  height: number;
}

interface ParsedSegmentation {
  segmentation: CocoSegmentation;
  /** The decoded mask for RLE segmentations; undefined for polygons (rasterise them when needed). */
  rle: Rle | undefined;
}

export function parseSegmentation(value: unknown, image: ImageSize, record: RecordRef): ParsedSegmentation {
  if (Array.isArray(value)) return { segmentation: parsePolygons(value, record), rle: undefined };
  if (typeof value === 'object' && value !== null) return parseRle(value as JsonObject, image, record);
  return invalid(record, `'segmentation' must be polygons (an array) or an RLE object, got ${describe(value)}`, 'segmentation');
}

function parsePolygons(value: unknown[], record: RecordRef): CocoPolygons {
  if (value.length === 0) invalid(record, 'segmentation has no polygons', 'segmentation');
  return value.map((ring, index) => {
    const field = `segmentation[${index}]`;
    if (!Array.isArray(ring)) invalid(record, `polygon ${index} must be an array of numbers, got ${describe(ring)}`, field);
    for (let k = 0; k < ring.length; k++) {
      const coordinate: unknown = ring[k];
      if (typeof coordinate !== 'number' || !Number.isFinite(coordinate)) {
        invalid(record, `polygon ${index}, coordinate ${k} must be a finite number, got ${describe(coordinate)}`, field);
      }
    }
    if (ring.length % 2 !== 0) {
      invalid(record, `polygon ${index} has an odd number of coordinates (${ring.length}); expected x, y pairs`, field);
    }
    if (ring.length < 6) invalid(record, `polygon ${index} has ${ring.length / 2} points, needs >= 3`, field);
    return (ring as number[]).slice();
  });
}

function parseRle(object: JsonObject, image: ImageSize, record: RecordRef): ParsedSegmentation {
  const size = object.size;
  if (!Array.isArray(size) || size.length !== 2 || !size.every((n) => isSafeInteger(n) && n > 0)) {
    invalid(record, `RLE 'size' must be [height, width] with positive integers, got ${JSON.stringify(size) ?? 'nothing'}`, 'segmentation.size');
  }
  const [height, width] = size as [number, number];
  if (height !== image.height || width !== image.width) {
    invalid(
      record,
      `RLE size [${height}, ${width}] differs from its image's [height, width] [${image.height}, ${image.width}]`,
      'segmentation.size',
    );
  }
  const counts = object.counts;
  if (typeof counts === 'string') {
    const rle = decodeCompressed(counts, height, width, record);
    return { segmentation: { size: [height, width], counts }, rle };
  }
  if (Array.isArray(counts)) {
    counts.forEach((count: unknown, index) => {
      if (!isSafeInteger(count) || count < 0) {
        invalid(record, `RLE count ${index} must be an integer >= 0, got ${describe(count)}`, 'segmentation.counts');
      }
    });
    const numbers = counts as number[];
    checkCountsSum(numbers, height, width, record);
    return { segmentation: { size: [height, width], counts: numbers.slice() }, rle: { height, width, counts: numbers.slice() } };
  }
  return invalid(record, `RLE 'counts' must be a string or an array of integers, got ${describe(counts)}`, 'segmentation.counts');
}

/** The geometry decoder checks the string (characters, truncation, sum); its error is reworded to name the record. */
function decodeCompressed(counts: string, height: number, width: number, record: RecordRef): Rle {
  try {
    return rleFromString(counts, height, width);
  } catch (error) {
    if (error instanceof ApiError) invalid(record, `RLE counts string is malformed: ${error.message}`, 'segmentation.counts');
    throw error;
  }
}

function checkCountsSum(counts: readonly number[], height: number, width: number, record: RecordRef): void {
  let sum = 0;
  for (let i = 0; i < counts.length; i++) {
    if (!(counts[i] >= 0)) invalid(record, `RLE run ${i} has negative length ${counts[i]}`, 'segmentation.counts');
    sum += counts[i];
  }
  if (sum !== height * width) {
    invalid(
      record,
      `RLE counts sum to ${sum}, expected height * width = ${height} * ${width} = ${height * width}`,
      'segmentation.counts',
    );
  }
}

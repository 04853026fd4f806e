import { describe, expect, test } from 'vitest';
import { imagesInSplit, validationHalf } from './dataset-split';

// cocotrain's 215 image ids are not consecutive; the rule ranks them, so any ids do.
const ids = Array.from({ length: 215 }, (_, k) => 1000 + 7 * k + (k % 3));

describe('dataset split', () => {
  test('cocotrain: 86 validation images, 129 train, no overlap; coco128 trains, pennfudan is held out', () => {
    const validation = imagesInSplit('cocotrain', ids, 'validation');
    const train = imagesInSplit('cocotrain', ids, 'train');
    expect([validation.size, train.size]).toEqual([86, 129]);
    expect([...validation].some((id) => train.has(id))).toBe(false);
    expect(imagesInSplit('coco128', ids, 'train').size).toBe(215);
    expect(imagesInSplit('pennfudan', ids, 'heldout').size).toBe(215);
    expect(imagesInSplit('pennfudan', ids, 'train').size).toBe(0);
  });

  test('the calibration and untouched halves split the validation images, whatever order the ids come in', () => {
    const calibration = validationHalf('cocotrain', ids, 'calibration');
    const untouched = validationHalf('cocotrain', [...ids].reverse(), 'untouched');
    expect([calibration.size, untouched.size]).toEqual([43, 43]);
    expect([...calibration].some((id) => untouched.has(id))).toBe(false);
    expect(new Set([...calibration, ...untouched])).toEqual(imagesInSplit('cocotrain', ids, 'validation'));
  });
});

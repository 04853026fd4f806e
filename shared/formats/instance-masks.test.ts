import { describe, expect, test } from 'vitest';
import { encodeMask, type BinaryMask } from '../geometry';
import type { InstanceMap } from './exported-files';
import { CLASS_MAP_PATH, paintInstances, projectToInstanceMasks, type InstanceMaskClassMap } from './instance-masks';
import { box, disc, drawMask, instanceOf, projectOf } from './test-fixtures';

const W = 37; // odd sizes catch row/column mix-ups
const H = 23;

function pixelsOf(map: InstanceMap, value: number): Uint8Array {
  return Uint8Array.from(map.data, (pixel) => (pixel === value ? 1 : 0));
}

describe('instance-mask export', () => {
  const a = drawMask(W, H, box(2, 3, 15, 20));
  const b = drawMask(W, H, disc(26, 11, 8));
  const c = drawMask(W, H, box(10, 5, 30, 9)); // overlaps a and b: drawn over them
  const result = projectToInstanceMasks(
    projectOf([
      { fileName: 'x/photo.jpg', width: W, height: H, instances: [instanceOf('a', a, { categoryId: 2 }), instanceOf('b', b, { categoryId: null, isCrowd: true }), instanceOf('skip', b, { status: 'rejected' })] },
      { fileName: 'overlap.png', width: W, height: H, instances: [instanceOf('a', a), instanceOf('b', b), instanceOf('c', c)] },
    ]),
  );
  const classMap = JSON.parse((result.files.find((file) => file.path === CLASS_MAP_PATH) as { text: string }).text) as InstanceMaskClassMap;
  const mapOf = (path: string) => (result.files.find((file) => file.path === path) as { map: InstanceMap }).map;

  test('pixel value k is the k-th instance, background 0: masks come back exactly', () => {
    const map = mapOf('masks/x/photo.png');
    expect(map.data).toBeInstanceOf(Uint8Array);
    expect([map.width, map.height]).toEqual([W, H]);
    expect(pixelsOf(map, 1)).toEqual(a.data);
    expect(pixelsOf(map, 2)).toEqual(b.data);
    const background = Uint8Array.from(a.data, (value, p) => (value === 0 && b.data[p] === 0 ? 1 : 0));
    expect(pixelsOf(map, 0)).toEqual(background);
  });

  test('the class map names every instance number, its category and areas', () => {
    expect(classMap.categories).toEqual([
      { id: 1, name: 'cat', color: '#ff0000' },
      { id: 2, name: 'dog', color: '#0000ff' },
      { id: 4, name: 'traffic light', color: '#00ff00' },
      { id: 5, name: 'object' },
    ]);
    const area = (mask: BinaryMask) => mask.data.reduce((sum, value) => sum + value, 0);
    expect(classMap.images[0]).toEqual({
      image: 'x/photo.jpg',
      mask: 'masks/x/photo.png',
      width: W,
      height: H,
      instances: [
        { value: 1, instanceId: 'a', categoryId: 2, category: 'dog', isCrowd: false, area: area(a), visibleArea: area(a) },
        { value: 2, instanceId: 'b', categoryId: 5, category: 'object', isCrowd: true, area: area(b), visibleArea: area(b) },
      ],
    });
    expect(result.counts).toEqual({ images: 2, instances: 5, unassigned: 1, classes: 4 });
  });

  test('overlaps: the later instance wins, and the visible areas say what was covered', () => {
    const map = mapOf('masks/overlap.png');
    expect(pixelsOf(map, 3)).toEqual(c.data);
    const [first, second, third] = classMap.images[1].instances;
    expect(first.visibleArea).toBeLessThan(first.area);
    expect(second.visibleArea).toBeLessThan(second.area);
    expect(third.visibleArea).toBe(third.area);
    expect(pixelsOf(map, 1)).toEqual(Uint8Array.from(a.data, (value, p) => (value === 1 && c.data[p] === 0 ? 1 : 0)));
  });
});

describe('paintInstances', () => {
  test('more than 255 instances switch to 16 bits, values unchanged', () => {
    const masks = Array.from({ length: 300 }, (_, k) => encodeMask(drawMask(30, 20, (x, y) => Math.floor(y) * 30 + Math.floor(x) === k)));
    const map = paintInstances(30, 20, masks);
    expect(map.data).toBeInstanceOf(Uint16Array);
    for (let k = 0; k < 300; k++) expect(map.data[k]).toBe(k + 1);
    expect(map.data[300]).toBe(0);
  });
});

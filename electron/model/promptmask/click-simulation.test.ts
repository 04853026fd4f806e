import { describe, expect, it } from 'vitest';
import { interiorMostPoint, nextClick, squaredDistanceToOutside, type Grid } from './click-simulation';

function grid(rows: string[]): Grid {
  const height = rows.length;
  const width = rows[0].length;
  const data = new Uint8Array(width * height);
  rows.forEach((row, y) => [...row].forEach((cell, x) => (data[y * width + x] = cell === '#' ? 1 : 0)));
  return { width, height, data };
}

describe('squaredDistanceToOutside', () => {
  it('matches brute force on a random grid, the border counting as outside', () => {
    const width = 23;
    const height = 17;
    const data = new Uint8Array(width * height);
    let seed = 7;
    for (let i = 0; i < data.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      data[i] = seed % 5 === 0 ? 0 : 1;
    }
    const result = squaredDistanceToOutside({ width, height, data });
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let best = data[y * width + x] ? Infinity : 0;
        if (best) {
          for (let v = -1; v <= height; v++) {
            for (let u = -1; u <= width; u++) {
              const outside = u < 0 || v < 0 || u >= width || v >= height || data[v * width + u] === 0;
              if (outside) best = Math.min(best, (u - x) ** 2 + (v - y) ** 2);
            }
          }
        }
        expect(result[y * width + x]).toBe(best);
      }
    }
  });
});

describe('interiorMostPoint', () => {
  it('finds the centre of a filled rectangle and nothing in an empty grid', () => {
    const point = interiorMostPoint(grid(['.......', '.#####.', '.#####.', '.#####.', '.#####.', '.#####.', '.......']));
    expect(point).toEqual({ x: 3, y: 3, distance: 3 });
    expect(interiorMostPoint(grid(['...', '...']))).toBeNull();
  });
});

describe('nextClick', () => {
  const target = grid(['..........', '.######...', '.######...', '.######...', '.######...', '..........']);
  it('clicks positive inside a missed region and negative inside an extra one, the larger first', () => {
    const missingHalf = grid(['..........', '.###......', '.###......', '.###......', '.###......', '..........']);
    expect(nextClick(missingHalf, target)).toMatchObject({ positive: true });
    const spilling = grid(['..........', '.#########', '.#########', '.#########', '.#########', '..........']);
    const click = nextClick(spilling, target);
    expect(click).toMatchObject({ positive: false });
    expect(click!.x).toBeGreaterThanOrEqual(7);
  });
  it('returns null when the prediction is the target', () => {
    expect(nextClick(target, target)).toBeNull();
  });
});

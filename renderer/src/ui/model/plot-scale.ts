// Pure helpers for the model panel's SVG plots: linear scales, round tick values and polyline
// paths. No React, no DOM, so they are unit-tested directly.

export interface LinearScale {
  (value: number): number;
  domain: [number, number];
  range: [number, number];
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps everything to r0. */
export function linearScale(domain: [number, number], range: [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const scale = ((value: number) => (span === 0 ? r0 : r0 + ((value - d0) / span) * (r1 - r0))) as LinearScale;
  scale.domain = domain;
  scale.range = range;
  return scale;
}

/** About `count` round tick values (1, 2, 5 x 10^k steps) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 4): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= min || count < 1) return [min];
  const raw = (max - min) / count;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) {
    ticks.push(Number(value.toPrecision(12)));
  }
  return ticks;
}

/** The smallest round number at or above `value` (1, 2, 2.5, 5 x 10^k), for a y axis top; 1 for nothing. */
export function niceCeiling(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  const found = [1, 2, 2.5, 5, 10].map((m) => m * power).find((candidate) => candidate >= value - 1e-12);
  return Number((found ?? 10 * power).toPrecision(12));
}

/** An SVG path "M x y L x y ..." through the points, skipping non-finite values (a gap starts a new segment). */
export function polylinePath(points: readonly { x: number; y: number }[]): string {
  let path = '';
  let drawing = false;
  for (const { x, y } of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      drawing = false;
      continue;
    }
    path += `${drawing ? 'L' : 'M'}${round(x)} ${round(y)} `;
    drawing = true;
  }
  return path.trim();
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

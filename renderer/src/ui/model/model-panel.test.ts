// The model panel's pure parts: plot scales and ticks, loss polylines, number and progress
// formatting, and which versions count as a roll back.
import { describe, expect, test } from 'vitest';
import type { FineTuneProgress, ModelVersion } from '../../../../shared/api/types';
import { formatAr, formatDuration, progressLine } from './format';
import { ancestorsOf } from './lineage';
import { linearScale, niceCeiling, niceTicks, polylinePath } from './plot-scale';

describe('plot scales', () => {
  test('linearScale maps the domain onto the range, inverted ranges included (SVG y grows down)', () => {
    const y = linearScale([0, 2], [140, 10]);
    expect(y(0)).toBe(140);
    expect(y(2)).toBe(10);
    expect(y(1)).toBe(75);
    expect(linearScale([3, 3], [0, 100])(3)).toBe(0);
  });

  test('niceTicks picks round steps that cover the range', () => {
    expect(niceTicks(0, 1, 4)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0, 2.5, 4)).toEqual([0, 1, 2]);
    expect(niceTicks(0, 40, 4)).toEqual([0, 10, 20, 30, 40]);
    expect(niceTicks(0, 7, 4)).toEqual([0, 2, 4, 6]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  test('niceCeiling rounds an axis top up to 1, 2, 2.5 or 5 x 10^k', () => {
    expect(niceCeiling(0.69)).toBe(1);
    expect(niceCeiling(1.3)).toBe(2);
    expect(niceCeiling(2.2)).toBe(2.5);
    expect(niceCeiling(0.031)).toBe(0.05);
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(Number.NaN)).toBe(1);
  });

  test('polylinePath draws through finite points and breaks the line at a non-finite one', () => {
    expect(polylinePath([])).toBe('');
    expect(polylinePath([{ x: 1, y: 2 }, { x: 3.14159, y: 4 }])).toBe('M1 2 L3.1 4');
    expect(polylinePath([{ x: 1, y: 2 }, { x: 2, y: Number.NaN }, { x: 3, y: 4 }, { x: 5, y: 6 }])).toBe('M1 2 M3 4 L5 6');
  });
});

describe('formatting', () => {
  test('AR values read like the papers; unknown ones as a dash', () => {
    expect(formatAr(0.2841)).toBe('.284');
    expect(formatAr(1)).toBe('1.000');
    expect(formatAr(null)).toBe('—');
  });

  test('durations', () => {
    expect(formatDuration(7.4)).toBe('7 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(3900)).toBe('1 h 05 min');
    expect(formatDuration(null)).toBe('—');
  });

  test('the progress line names the phase, step, ETA and throughput it knows', () => {
    const progress: FineTuneProgress = { jobId: 'j', phase: 'training', step: 12, totalSteps: 40, loss: [], samplesPerSecond: 14.24, etaSeconds: 8 };
    expect(progressLine(progress)).toBe('Training · step 12/40 · ETA 8 s · 14.2 samples/s');
    expect(progressLine({ ...progress, phase: 'collecting', step: 0, totalSteps: 0, samplesPerSecond: null, etaSeconds: null })).toBe('Collecting corrections');
    expect(progressLine({ ...progress, phase: 'finished', step: 40, etaSeconds: 0 })).toBe('Finished · step 40/40 · 14.2 samples/s');
  });
});

describe('lineage', () => {
  const version = (id: string, parentId: string | null): ModelVersion => ({
    id,
    parentId,
    architecture: 'deepmask',
    architectureLabel: 'DeepMask',
    kind: parentId ? 'finetuned' : 'bundled',
    label: id,
    createdAt: null,
    evaluation: null,
    training: null,
    decision: null,
  });
  const versions = [version('deepmask', null), version('instancefcn', null), version('ft1', 'deepmask'), version('ft2', 'ft1'), version('ft3', 'deepmask')];

  test('the active version descends from its parents: those are roll backs, the others activations', () => {
    expect([...ancestorsOf(versions, 'ft2')]).toEqual(['ft1', 'deepmask']);
    expect(ancestorsOf(versions, 'deepmask').size).toBe(0);
    expect(ancestorsOf(versions, null).size).toBe(0);
  });

  test('a parent cycle in bad data cannot hang the panel', () => {
    const cyclic = [version('a', 'b'), version('b', 'a')];
    expect([...ancestorsOf(cyclic, 'a')]).toEqual(['b', 'a']);
  });
});

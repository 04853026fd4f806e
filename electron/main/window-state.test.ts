import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { DEFAULT_WINDOW_STATE, fitToDisplays, loadWindowState, MIN_WINDOW_SIZE, parseWindowState, saveWindowState } from './window-state';

const laptop = { x: 0, y: 0, width: 1920, height: 1040 };
const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('window state', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  test('a saved state round-trips through the file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-window-'));
    const file = join(dir, 'window-state.json');
    await saveWindowState(file, { x: 100, y: 80, width: 1200, height: 800, maximized: true });
    expect(await loadWindowState(file, [laptop])).toEqual({ x: 100, y: 80, width: 1200, height: 800, maximized: true });
  });

  test('a missing or damaged file gives the defaults', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-window-'));
    const file = join(dir, 'window-state.json');
    expect(await loadWindowState(file, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
    await writeFile(file, '{"width": 1200, "hei');
    expect(await loadWindowState(file, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
    expect(await readFile(file, 'utf8')).toContain('hei'); // loading never overwrites what it could not read
  });

  test('hostile values are refused field by field', () => {
    expect(parseWindowState('null')).toBeNull();
    expect(parseWindowState('{"width": -5, "height": 600}')).toBeNull();
    expect(parseWindowState('{"width": "1200", "height": 600}')).toBeNull();
    expect(parseWindowState('{"width": 1e12, "height": 600}')).toBeNull();
    expect(parseWindowState('{"width": 1200, "height": 700, "x": 1.5, "y": 3}')).toEqual({ width: 1200, height: 700, maximized: false });
  });

  test('a position on a monitor that is gone is dropped, the size kept', () => {
    const saved = { x: 2200, y: 100, width: 1600, height: 1000, maximized: false };
    expect(fitToDisplays(saved, [laptop, rightMonitor])).toEqual(saved);
    expect(fitToDisplays(saved, [laptop])).toEqual({ width: 1600, height: 1000, maximized: false });
  });

  test('a window whose title bar is above the screen is dropped; one partly off to the side is kept', () => {
    expect(fitToDisplays({ x: 100, y: -500, width: 1000, height: 800, maximized: false }, [laptop]).x).toBeUndefined();
    expect(fitToDisplays({ x: -900, y: 50, width: 1000, height: 800, maximized: false }, [laptop]).x).toBe(-900);
  });

  test('sizes are clamped between the minimum and the largest screen', () => {
    expect(fitToDisplays({ width: 100, height: 100, maximized: false }, [laptop])).toEqual({ ...MIN_WINDOW_SIZE, maximized: false });
    expect(fitToDisplays({ width: 5000, height: 3000, maximized: false }, [laptop])).toEqual({ width: 1920, height: 1040, maximized: false });
  });
});

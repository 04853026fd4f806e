// The main window's size, position and maximised flag, remembered in userData across starts.
// Written atomically (a crash mid-write leaves the old file); a damaged or hostile file is ignored,
// and a position that would put the window off every screen (a monitor was unplugged) is dropped
// so the window opens centred instead of invisible. No electron import: main passes in the
// displays' work areas, so this is unit-tested everywhere.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../services/atomic-write';
import { clamp } from '../../shared/geometry/clamp';

/** A rectangle in screen DIPs (device-independent pixels). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** Position in DIPs; absent means "let the OS centre it". */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1400, height: 900, maximized: false };
export const MIN_WINDOW_SIZE = { width: 800, height: 560 };
/** How much of the title bar area (DIPs) must lie on some screen for a saved position to be kept. */
const MIN_VISIBLE = 64;

/** Parses saved JSON; anything malformed yields null (the caller falls back to defaults). */
export function parseWindowState(text: string): WindowState | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const isCoordinate = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && Math.abs(n) < 100_000;
  const isSize = (n: unknown): n is number => isCoordinate(n) && n > 0;
  if (!isSize(record.width) || !isSize(record.height)) return null;
  const state: WindowState = { width: record.width, height: record.height, maximized: record.maximized === true };
  if (isCoordinate(record.x) && isCoordinate(record.y)) {
    state.x = record.x;
    state.y = record.y;
  }
  return state;
}

/**
 * Makes a saved state fit the current screens: size clamped between the minimum and the largest
 * work area, position kept only if the top strip of the window lands on some work area.
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  const maxWidth = Math.max(MIN_WINDOW_SIZE.width, ...workAreas.map((area) => area.width));
  const maxHeight = Math.max(MIN_WINDOW_SIZE.height, ...workAreas.map((area) => area.height));
  const width = clamp(state.width, MIN_WINDOW_SIZE.width, maxWidth);
  const height = clamp(state.height, MIN_WINDOW_SIZE.height, maxHeight);
  const fitted: WindowState = { width, height, maximized: state.maximized };
  if (state.x === undefined || state.y === undefined) return fitted;
  const titleStrip: Rect = { x: state.x, y: state.y, width, height: Math.min(height, MIN_VISIBLE) };
  const visible = workAreas.some((area) => overlapWidth(titleStrip, area) >= MIN_VISIBLE && overlapHeight(titleStrip, area) > 0);
  if (visible) {
    fitted.x = state.x;
    fitted.y = state.y;
  }
  return fitted;
}

export async function loadWindowState(file: string, workAreas: readonly Rect[]): Promise<WindowState> {
  const text = await readFile(file, 'utf8').catch(() => null);
  const saved = text === null ? null : parseWindowState(text);
  return fitToDisplays(saved ?? DEFAULT_WINDOW_STATE, workAreas);
}

export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`);
}

function overlapWidth(a: Rect, b: Rect): number {
  return Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
}

function overlapHeight(a: Rect, b: Rect): number {
  return Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
}

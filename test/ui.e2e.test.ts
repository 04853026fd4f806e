// The annotation UI end to end: the real headless host (child process) on a temp copy of the
// sample photos, the built renderer in Debian Chromium, real mouse and keyboard input, and the
// results checked through the API (what is on disk), not through the page's own state.
// Steps that need the proposal model skip with the host's reason when no model is loaded.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { Instance, ModelStatus, SegmentBox, SegmentClick, SegmentPrompt } from '../shared/api/types';
import { parseCocoDataset } from '../shared/coco/validate';
import { parseYoloNames, yoloLabelPath } from '../shared/formats';
import { decodeRle, fromCocoRle, rleIou } from '../shared/geometry';
import { browserSkipReason, collectPageErrors, launchChromium, screenshot } from './support/browser';
import { connectApi, copyFolderToTemp, removeTempFolder, startHostProcess } from './support/host';
import type { HostProcess } from './support/host';
import { repoRoot } from './support/shared-data';

const samplePhotos = resolve(repoRoot, 'resources/sample-photos');
const rendererBuilt = existsSync(resolve(repoRoot, 'dist/renderer/index.html'));
const skipReason =
  browserSkipReason ??
  (existsSync(samplePhotos) ? null : 'resources/sample-photos is missing') ??
  (rendererBuilt ? null : 'renderer not built (npx vite build --config renderer/vite.config.ts)');

let folder: string;
let host: HostProcess;
let browser: Browser;
let page: Page;
let api: Awaited<ReturnType<typeof connectApi>>;
let model: ModelStatus;
let pageErrors: string[];
let imageId: string;
/** The instance the editing steps work on (a proposal if the model runs, else one drawn by hand). */
let editedId: string;
/** Every segmentAt prompt the page sent, read off its WebSocket (what the UI asked the model). */
const segmentPrompts: SegmentPrompt[] = [];
/** The names of the files every importAnnotations call sent, read off the WebSocket. */
const importSentFiles: string[][] = [];

interface Camera {
  x: number;
  y: number;
  scale: number;
}

/** The segment tool's open interaction as the page holds it (ephemeral, never saved). */
interface SegmentView {
  clicks: SegmentClick[];
  box: SegmentBox | null;
  result: Instance | null;
  pending: boolean;
  commitStatus: 'accepted' | 'proposed' | null;
}

/** The part of the editor the page exposes as window.maskpilotEditor that these tests read (never write). */
interface EditorHandle {
  store: {
    getState(): {
      session: { camera: Camera; currentImageId: string | null; selection: { instanceId: string } | null };
      document: { images: Record<string, { order: string[]; instances: Record<string, Instance> }> };
    };
  };
}

/** More of the editor's state, read by the segmentation steps (the global type is shared with other test files). */
interface SegmentEditorHandle {
  store: {
    getState(): {
      session: { currentImageId: string | null };
      ephemeral: { segment: SegmentView | null };
      history: Record<string, { undo: { label: string }[]; redo: { label: string }[] }>;
    };
  };
}
declare global {
  interface Window {
    maskpilotEditor?: EditorHandle;
  }
}

/** Where an image pixel is on the page (CSS pixels), from the canvas position and the editor's camera. */
async function toPage(x: number, y: number): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId('canvas').boundingBox();
  const camera = await page.evaluate(() => window.maskpilotEditor!.store.getState().session.camera as Camera);
  if (!box) throw new Error('canvas not on screen');
  return { x: box.x + camera.x + x * camera.scale, y: box.y + camera.y + y * camera.scale };
}

async function cameraScale(): Promise<number> {
  return page.evaluate(() => window.maskpilotEditor!.store.getState().session.camera.scale);
}

/** Waits until the UI says the current image is saved, then reads it back from the host. */
async function savedInstances(): Promise<Instance[]> {
  await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 10_000 });
  return (await api.getAnnotations({ imageId })).instances;
}

/** The open segment interaction, or null. */
async function segmentView(): Promise<SegmentView | null> {
  return page.evaluate(() => (window.maskpilotEditor as unknown as SegmentEditorHandle).store.getState().ephemeral.segment);
}

/** Waits until the model answered the interaction's current prompt; returns the interaction. */
async function segmentAnswered(): Promise<SegmentView> {
  await expect.poll(async () => { const view = await segmentView(); return view !== null && !view.pending && view.result !== null; }, { timeout: 15_000 }).toBe(true);
  return (await segmentView())!;
}

/** The open image's undo and redo stacks, by label. */
async function historyLabels(): Promise<{ undo: string[]; redo: string[] }> {
  return page.evaluate(() => {
    const state = (window.maskpilotEditor as unknown as SegmentEditorHandle).store.getState();
    const history = state.history[state.session.currentImageId!] ?? { undo: [], redo: [] };
    return { undo: history.undo.map((command) => command.label), redo: history.redo.map((command) => command.label) };
  });
}

/** The colour on screen at a page position (CSS pixels), from a 1x1 screenshot. */
async function pixelAt(x: number, y: number): Promise<[number, number, number]> {
  const png = await page.screenshot({ clip: { x: Math.round(x), y: Math.round(y), width: 1, height: 1 } });
  const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return [data[0], data[1], data[2]];
}

/** A click marker is drawn at an image point: the pixel inside its circle, off the sign's arms, has its colour. */
async function markerColourAt(click: SegmentClick): Promise<'green' | 'red' | 'other'> {
  const centre = await toPage(click.x, click.y);
  const [r, g, b] = await pixelAt(centre.x + 4, centre.y + 4);
  if (g > 150 && r < 110 && b < 150) return 'green';
  if (r > 200 && g < 120 && b < 120) return 'red';
  return 'other';
}

async function savedInstance(id: string): Promise<Instance> {
  const found = (await savedInstances()).find((instance) => instance.id === id);
  if (!found) throw new Error(`instance ${id} not saved`);
  return found;
}

// ---- Issue #18 ("What a new annotator trips over") helpers ----

/** The image pixel of a mask farthest from its background (chessboard distance), so a fill there is not an outline. */
function deepestPixel(rle: Instance['rle']): { x: number; y: number } {
  const { width, height, data } = decodeRle(fromCocoRle(rle));
  const distance = new Int32Array(width * height);
  const big = width + height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!data[i]) continue;
      const up = y > 0 ? distance[i - width] : 0;
      const left = x > 0 ? distance[i - 1] : 0;
      const upLeft = x > 0 && y > 0 ? distance[i - width - 1] : 0;
      const upRight = x + 1 < width && y > 0 ? distance[i - width + 1] : 0;
      distance[i] = Math.min(big, up, left, upLeft, upRight) + 1;
    }
  }
  let best = { x: 0, y: 0, d: -1 };
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      if (!data[i]) continue;
      const down = y + 1 < height ? distance[i + width] : 0;
      const right = x + 1 < width ? distance[i + 1] : 0;
      const downRight = x + 1 < width && y + 1 < height ? distance[i + width + 1] : 0;
      const downLeft = x > 0 && y + 1 < height ? distance[i + width - 1] : 0;
      distance[i] = Math.min(distance[i], down + 1, right + 1, downRight + 1, downLeft + 1);
      if (distance[i] > best.d) best = { x, y, d: distance[i] };
    }
  }
  return { x: best.x, y: best.y };
}

/** Hue (degrees) of "#rrggbb". */
function hueOf(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  const hue = d === 0 ? 0 : max === r ? 60 * (((g - b) / d) % 6) : max === g ? 60 * ((b - r) / d + 2) : 60 * ((r - g) / d + 4);
  return (hue + 360) % 360;
}

function hueDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/** Ids of the rows in a section of the instance list, top to bottom. */
async function rowIds(selector: string): Promise<string[]> {
  return page.locator(selector).evaluateAll((rows) => rows.map((row) => row.getAttribute('data-instance-id')!));
}

/** Opens an image from the list and waits until it shows proposals (proposing by hand if opening did not). */
async function openImageWithProposals(id: string): Promise<void> {
  await page.locator(`[data-testid="image-item"][data-image-id="${id}"]`).click();
  await page.waitForFunction((target) => {
    const state = window.maskpilotEditor?.store.getState();
    return state?.session.currentImageId === target && state.document.images[target] !== undefined;
  }, id);
  await expect.poll(() => page.getByTestId('propose').getAttribute('data-busy'), { timeout: 90_000 }).toBe('false');
  if ((await page.locator('[data-testid="instance-row"][data-status="proposed"]').count()) === 0) {
    await page.getByTestId('propose').click();
    await page.locator('[data-testid="instance-row"][data-status="proposed"]').first().waitFor({ timeout: 90_000 });
    await expect.poll(() => page.getByTestId('propose').getAttribute('data-busy'), { timeout: 90_000 }).toBe('false');
  }
  await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
}

/** Where things are on the page (CSS pixels), to check that nothing moved or left the window. */
async function layoutBoxes() {
  return page.evaluate(() => {
    const box = (selector: string) => {
      const rect = document.querySelector(selector)?.getBoundingClientRect();
      return rect ? { x: rect.x, y: rect.y, width: rect.width, height: rect.height, right: rect.right, bottom: rect.bottom } : null;
    };
    return {
      viewport: { width: window.innerWidth, height: window.innerHeight },
      scrollWidth: document.documentElement.scrollWidth,
      canvas: box('[data-testid="canvas"]')!,
      toolbar: box('[data-testid="toolbar"]')!,
      exportButton: box('[data-testid="export"]')!,
      instanceRows: box('.instance-rows'),
      sidePanel: box('.side-panel')!,
    };
  });
}

/**
 * Toolbar Import…, then "Choose files…" (or "Choose a folder…") and the real file chooser given
 * `files` (or the folder); resolves with what the dialog says once the import is done. The dialog
 * stays open (closeImportDialog).
 */
async function importThroughDialog(choice: { files: Parameters<Page['setInputFiles']>[1] } | { folder: string }): Promise<{ kind: string; text: string }> {
  await page.getByTestId('import').click();
  await page.getByTestId('import-dialog').waitFor();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('folder' in choice ? 'import-choose-folder' : 'import-choose-files').click()]);
  await chooser.setFiles('folder' in choice ? choice.folder : choice.files);
  const outcome = page.getByTestId('import-outcome');
  await outcome.waitFor({ timeout: 30_000 });
  return { kind: (await outcome.getAttribute('data-kind'))!, text: (await outcome.textContent())! };
}

async function closeImportDialog(): Promise<void> {
  await page.getByTestId('import-close').click();
  await expect.poll(() => page.getByTestId('import-dialog').count()).toBe(0);
}

describe.skipIf(skipReason !== null)('annotation UI in Chromium on the headless host', () => {
  beforeAll(async () => {
    folder = await copyFolderToTemp(samplePhotos, 'maskpilot-ui-');
    host = await startHostProcess(folder);
    api = await connectApi(host.url);
    model = await api.getModelStatus({});
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
    page.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => {
        const message = typeof payload === 'string' ? (JSON.parse(payload) as { method?: string; params?: SegmentPrompt & { files?: { name: string }[] } }) : null;
        if (message?.method === 'segmentAt' && message.params) segmentPrompts.push(message.params);
        if (message?.method === 'importAnnotations' && message.params?.files) importSentFiles.push(message.params.files.map((file) => file.name));
      }),
    );
  });

  afterAll(async () => {
    await browser?.close();
    api?.close();
    await host?.stop();
    if (folder) await removeTempFolder(folder);
  });

  test('opens the folder: every image listed with its status, the first one on the canvas', async () => {
    await page.goto(host.url);
    const items = page.getByTestId('image-list').getByTestId('image-item');
    await items.first().waitFor();
    const { total, images } = await api.listImages({ offset: 0, limit: 100 });
    expect(await items.count()).toBe(total);
    expect(await items.first().getAttribute('data-image-id')).toBe(images[0].id);
    imageId = images[0].id;
    await page.waitForFunction((id) => window.maskpilotEditor?.store.getState().document.images[id] !== undefined, imageId);
    await expect.poll(() => page.getByTestId('model-status').textContent()).toContain('Model:');
    await screenshot(page, 'ui-01-opened');
  });

  test('wheel zooms around the cursor, space+drag and middle-drag pan, F fits', async () => {
    const box = (await page.getByTestId('canvas').boundingBox())!;
    const cursor = { x: box.x + box.width * 0.3, y: box.y + box.height * 0.4 };
    const camera = () => page.evaluate(() => window.maskpilotEditor!.store.getState().session.camera as Camera);
    const fitted = await camera();
    const imagePoint = (c: Camera) => ({ x: (cursor.x - box.x - c.x) / c.scale, y: (cursor.y - box.y - c.y) / c.scale });
    await page.mouse.move(cursor.x, cursor.y);
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => (await camera()).scale).toBeGreaterThan(fitted.scale * 1.5);
    const zoomed = await camera();
    expect(imagePoint(zoomed).x).toBeCloseTo(imagePoint(fitted).x, 0);
    expect(imagePoint(zoomed).y).toBeCloseTo(imagePoint(fitted).y, 0);

    await page.getByTestId('canvas').focus();
    await page.keyboard.down('Space');
    await page.mouse.down();
    await page.mouse.move(cursor.x + 50, cursor.y + 20, { steps: 4 });
    await page.mouse.up();
    await page.keyboard.up('Space');
    const panned = await camera();
    expect(panned.x - zoomed.x).toBeCloseTo(50, 0);
    expect(panned.y - zoomed.y).toBeCloseTo(20, 0);

    await page.mouse.down({ button: 'middle' });
    await page.mouse.move(cursor.x + 20, cursor.y + 20, { steps: 4 });
    await page.mouse.up({ button: 'middle' });
    expect((await camera()).x - panned.x).toBeCloseTo(-30, 0);

    await page.keyboard.press('f');
    expect(await camera()).toEqual(fitted);
  });

  test('shows proposals; A accepts one, Tab moves on and R rejects one (saved to disk)', async (context) => {
    if (!model.ready) context.skip(`proposal model not available on the host (backend: ${model.backend}; ${model.backendNotes.join('; ') || 'no notes'})`);
    let rows = page.getByTestId('instance-row');
    // Opening an unvisited image proposes by itself; wait for that, and propose by hand only if it did not.
    await expect.poll(() => page.getByTestId('propose').getAttribute('data-busy'), { timeout: 60_000 }).toBe('false');
    if ((await rows.count()) === 0) await page.getByTestId('propose').click();
    await rows.first().waitFor({ timeout: 60_000 });
    await screenshot(page, 'ui-02-proposals');
    // A hundred overlapping proposals are not all drawn: the best ten above the threshold are (the
    // others are listed dimmed), and the Show control changes how many.
    const shownRows = () => page.locator('[data-testid="instance-row"][data-status="proposed"]:not(.dim)').count();
    const threshold = Number(await page.getByTestId('threshold').inputValue());
    const proposedAboveThreshold = await page.evaluate((threshold) => {
      const state = window.maskpilotEditor!.store.getState();
      const doc = state.document.images[state.session.currentImageId!];
      return doc.order.filter((id) => doc.instances[id].status === 'proposed' && (doc.instances[id].score ?? 1) >= threshold).length;
    }, threshold);
    expect(await shownRows()).toBe(Math.min(10, proposedAboveThreshold));
    await page.getByTestId('proposal-limit').selectOption('5');
    expect(await shownRows()).toBe(Math.min(5, proposedAboveThreshold));
    await page.getByTestId('proposal-limit').selectOption('10');
    await page.getByTestId('canvas').focus();
    const before = await page.evaluate(() => window.maskpilotEditor!.store.getState().session.selection?.instanceId ?? null);
    await page.keyboard.press('a');
    const accepted = (await savedInstances()).filter((instance) => instance.status === 'accepted');
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    if (before) expect(accepted.map((instance) => instance.id)).toContain(before);
    // A keeps the accepted instance selected; Tab moves on to the next proposal, which R rejects.
    await page.keyboard.press('Tab');
    await page.keyboard.press('r');
    const saved = await savedInstances();
    expect(saved.filter((instance) => instance.status === 'rejected')).toHaveLength(1);
    expect(saved.find((instance) => instance.id === accepted[0].id)?.status).toBe('accepted');
    editedId = accepted[0].id;
    rows = page.getByTestId('instance-row');
    expect(await rows.count()).toBe(saved.length);
  });

  test('proposing again replaces the undecided proposals and keeps every decision, without copies', async (context) => {
    if (!editedId) context.skip('needs the proposals of the previous test');
    const before = await savedInstances();
    const decided = before.filter((instance) => instance.status !== 'proposed');
    await page.getByTestId('propose').click();
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toMatch(/replacing \d+ undecided/);
    await expect.poll(() => page.getByTestId('propose').getAttribute('data-busy'), { timeout: 60_000 }).toBe('false');
    const after = await savedInstances();
    // Every decision is still there, unchanged.
    expect(after.filter((instance) => instance.status !== 'proposed')).toEqual(decided);
    // The same model proposes the same objects: the batch replaced the undecided ones instead of
    // doubling them, and the objects already decided on did not come back as proposals.
    const proposed = after.filter((instance) => instance.status === 'proposed');
    expect(proposed.length).toBeGreaterThan(0);
    expect(after.length).toBeLessThanOrEqual(before.length);
    const ious = rleIou(proposed.map((instance) => fromCocoRle(instance.rle)), decided.map((instance) => fromCocoRle(instance.rle)), decided.map(() => false));
    expect(Math.max(...ious.flat())).toBeLessThan(0.8);
    expect(await page.getByTestId('instance-row').count()).toBe(after.length);
  });

  test('drags a vertex: the saved polygon moves and its mask follows; undo and redo restore each state', async () => {
    if (!editedId) {
      // No model: draw an instance by hand so the editing steps still run on real UI input.
      await page.keyboard.press('d');
      const corners = [
        [120, 120],
        [300, 110],
        [320, 300],
        [130, 320],
      ];
      for (const [x, y] of corners) {
        const at = await toPage(x, y);
        await page.mouse.click(at.x, at.y);
      }
      await page.keyboard.press('Enter');
      const saved = await savedInstances();
      expect(saved).toHaveLength(1);
      editedId = saved[0].id;
      await page.keyboard.press('v');
    }
    const original = await savedInstance(editedId);
    const { width, height } = await api.getAnnotations({ imageId });
    // The vertex farthest from the image border, so the move below is never clamped at an edge.
    const ring = original.polygons[0];
    let vertex = 0;
    const room = (i: number) => Math.min(ring[2 * i], width - ring[2 * i], ring[2 * i + 1], height - ring[2 * i + 1]);
    for (let i = 1; i < ring.length / 2; i++) if (room(i) > room(vertex)) vertex = i;
    const [vx, vy] = [ring[2 * vertex], ring[2 * vertex + 1]];
    // Select the instance, then drag its first vertex 40 screen pixels right and 30 down.
    await page.getByTestId('instance-row').and(page.locator(`[data-instance-id="${editedId}"]`)).click();
    const start = await toPage(vx, vy);
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    for (let step = 1; step <= 10; step++) await page.mouse.move(start.x + 4 * step, start.y + 3 * step);
    await screenshot(page, 'ui-03-dragging-vertex');
    await page.mouse.up();
    const scale = await cameraScale();
    const moved = await savedInstance(editedId);
    expect(moved.polygons[0][2 * vertex]).toBeCloseTo(vx + 40 / scale, 0);
    expect(moved.polygons[0][2 * vertex + 1]).toBeCloseTo(vy + 30 / scale, 0);
    expect(moved.status).toBe('edited');
    expect(moved.rle.counts).not.toBe(original.rle.counts);
    const othersOf = (values: number[]) => values.filter((_, i) => i !== 2 * vertex && i !== 2 * vertex + 1);
    expect(othersOf(moved.polygons[0])).toEqual(othersOf(original.polygons[0]));
    await screenshot(page, 'ui-04-vertex-moved');

    await page.keyboard.press('Control+z');
    const undone = await savedInstance(editedId);
    expect(undone.polygons).toEqual(original.polygons);
    expect(undone.rle).toEqual(original.rle);
    expect(undone.status).toBe(original.status);

    await page.keyboard.press('Control+Shift+z');
    const redone = await savedInstance(editedId);
    expect(redone.polygons).toEqual(moved.polygons);
    expect(redone.rle).toEqual(moved.rle);
  });

  test('Escape during a drag leaves the document as it was', async () => {
    const before = await savedInstance(editedId);
    const at = await toPage(before.polygons[0][2], before.polygons[0][3]);
    await page.mouse.move(at.x, at.y);
    await page.mouse.down();
    for (let step = 1; step <= 5; step++) await page.mouse.move(at.x + 10 * step, at.y);
    await page.keyboard.press('Escape');
    await page.mouse.up();
    const after = await page.evaluate(
      ([image, id]) => window.maskpilotEditor!.store.getState().document.images[image].instances[id].polygons,
      [imageId, editedId] as const,
    );
    expect(after).toEqual(before.polygons);
  });

  describe('interactive segmentation (segment tool)', () => {
    let before: Instance[];
    let width: number;
    let height: number;
    const needsModel = (context: { skip(note: string): void }) => {
      if (!model.ready) context.skip(`proposal model not available on the host (backend: ${model.backend}); segmenting needs it`);
    };

    test('a left click asks with one positive click; the result is pending, drawn with its marker and score, and not saved', async (context) => {
      needsModel(context);
      before = await savedInstances();
      ({ width, height } = await api.getAnnotations({ imageId }));
      await page.keyboard.press('s');
      segmentPrompts.length = 0;
      const at = await toPage(width / 2, height / 2);
      await page.mouse.click(at.x, at.y);
      const view = await segmentAnswered();
      expect(segmentPrompts).toHaveLength(1);
      expect(segmentPrompts[0].clicks).toEqual([{ x: Math.round(width / 2), y: Math.round(height / 2), positive: true }]);
      expect(segmentPrompts[0].previousMask).toBeUndefined();
      expect(await markerColourAt(view.clicks[0])).toBe('green');
      const label = page.getByTestId('segment-label');
      expect(Number(await label.getAttribute('data-score'))).toBeCloseTo(view.result!.score!, 5);
      expect(await label.textContent()).toMatch(/score \d\.\d\d/);
      expect(await savedInstances()).toEqual(before); // pending: nothing saved
    });

    test('a right click marks background and refines: every click and the current mask are sent; no context menu', async (context) => {
      needsModel(context);
      await page.evaluate(() => {
        const seen: boolean[] = [];
        (window as unknown as { contextMenus: boolean[] }).contextMenus = seen;
        window.addEventListener('contextmenu', (event) => seen.push(event.defaultPrevented));
      });
      const current = (await segmentView())!;
      const background = { x: Math.round(width * 0.85), y: Math.round(height * 0.9) };
      const at = await toPage(background.x, background.y);
      await page.mouse.click(at.x, at.y, { button: 'right' });
      const view = await segmentAnswered();
      expect(segmentPrompts).toHaveLength(2);
      expect(segmentPrompts[1].clicks).toEqual([current.clicks[0], { ...background, positive: false }]);
      expect(segmentPrompts[1].previousMask).toEqual(current.result!.rle);
      expect(view.clicks.map((click) => click.positive)).toEqual([true, false]);
      expect(await page.evaluate(() => (window as unknown as { contextMenus: boolean[] }).contextMenus)).toEqual([true]);
      expect(await markerColourAt(view.clicks[0])).toBe('green');
      expect(await markerColourAt(view.clicks[1])).toBe('red');
      expect(await page.getByTestId('segment-label').getAttribute('data-negative-clicks')).toBe('1');
      await screenshot(page, 'ui-05-segment-interaction');
      expect(await savedInstances()).toEqual(before);
    });

    test('Backspace and Ctrl+Z take back the last click and ask again; an earlier edit is not undone', async (context) => {
      needsModel(context);
      const history = await historyLabels();
      await page.keyboard.press('Backspace');
      await segmentAnswered();
      expect(segmentPrompts).toHaveLength(3);
      expect(segmentPrompts[2].clicks).toEqual(segmentPrompts[1].clicks.slice(0, 1));
      expect((await segmentView())!.clicks).toHaveLength(1);
      const at = await toPage(Math.round(width * 0.1), Math.round(height * 0.9));
      await page.keyboard.down('Alt'); // Alt+click: negative too
      await page.mouse.click(at.x, at.y);
      await page.keyboard.up('Alt');
      await segmentAnswered();
      expect(segmentPrompts[3].clicks.map((click) => click.positive)).toEqual([true, false]);
      await page.keyboard.press('Control+z');
      await segmentAnswered();
      expect((await segmentView())!.clicks).toHaveLength(1);
      expect(segmentPrompts[4].clicks).toEqual(segmentPrompts[2].clicks);
      expect(await historyLabels()).toEqual(history);
      expect(await savedInstances()).toEqual(before);
    });

    test('Esc cancels the whole interaction: nothing added, the undo history exactly as before', async (context) => {
      needsModel(context);
      const history = await historyLabels();
      await page.keyboard.press('Escape');
      expect(await segmentView()).toBeNull();
      await expect.poll(() => page.getByTestId('segment-label').count()).toBe(0);
      expect(await historyLabels()).toEqual(history);
      expect(await savedInstances()).toEqual(before);
    });

    test('Enter adds the result (proposed when it scores below 0.50, and says so); one Ctrl+Z removes it and nothing else', async (context) => {
      needsModel(context);
      const history = await historyLabels();
      const at = await toPage(width / 2, height / 2);
      await page.mouse.click(at.x, at.y);
      const view = await segmentAnswered();
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await savedInstances()).length, { timeout: 15_000 }).toBe(before.length + 1);
      const added = (await savedInstances()).find((instance) => !before.some((old) => old.id === instance.id))!;
      const expected = view.result!.score !== null && view.result!.score < 0.5 ? 'proposed' : 'accepted';
      expect(added).toMatchObject({ source: 'click', status: expected, rle: view.result!.rle });
      expect(await page.getByTestId('notice').textContent()).toMatch(expected === 'accepted' ? /^Added/ : /Added as proposed, not accepted/);
      expect(await historyLabels()).toEqual({ undo: [...history.undo, 'Click to segment'], redo: [] });
      await screenshot(page, 'ui-05b-segment-added');
      await page.keyboard.press('Control+z');
      await expect.poll(async () => (await savedInstances()).length).toBe(before.length);
      expect(await savedInstances()).toEqual(before);
      expect((await historyLabels()).undo).toEqual(history.undo);
    });

    test('Shift+click with no click series open asks nothing and adds nothing', async (context) => {
      needsModel(context);
      const sent = segmentPrompts.length;
      const at = await toPage(width / 2, height / 2);
      await page.keyboard.down('Shift');
      await page.mouse.click(at.x, at.y);
      await page.keyboard.up('Shift');
      expect(await page.getByTestId('notice').textContent()).toMatch(/click the object first/);
      expect(segmentPrompts).toHaveLength(sent);
      expect(await segmentView()).toBeNull();
      expect(await savedInstances()).toEqual(before);
    });

    test('a box drag asks for the object in the box; a click refines it with the box kept; Enter adds it', async (context) => {
      needsModel(context);
      const sent = segmentPrompts.length;
      const box = { x1: Math.round(width * 0.3), y1: Math.round(height * 0.3), x2: Math.round(width * 0.7), y2: Math.round(height * 0.8) };
      const from = await toPage(box.x1, box.y1);
      const to = await toPage(box.x2, box.y2);
      await page.mouse.move(from.x, from.y);
      await page.mouse.down();
      await page.mouse.move(to.x, to.y, { steps: 8 });
      await page.mouse.up();
      const view = await segmentAnswered();
      expect(segmentPrompts).toHaveLength(sent + 1);
      const asked = segmentPrompts[sent];
      expect(asked.clicks).toEqual([]);
      // The box is where the mouse went, within a pixel of rounding between page and image pixels.
      for (const side of ['x1', 'y1', 'x2', 'y2'] as const) expect(Math.abs(asked.box![side] - box[side])).toBeLessThanOrEqual(Math.ceil(1 / (await cameraScale())));
      expect(view.box).toEqual(asked.box);
      const inside = await toPage(Math.round(width * 0.35), Math.round(height * 0.75));
      await page.mouse.click(inside.x, inside.y, { button: 'right' });
      await segmentAnswered();
      expect(segmentPrompts[sent + 1]).toMatchObject({ box: asked.box, clicks: [{ positive: false }] });
      expect(segmentPrompts[sent + 1].previousMask).toEqual(view.result!.rle);
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await savedInstances()).length, { timeout: 15_000 }).toBe(before.length + 1);
      await page.keyboard.press('v');
    });
  });

  test('creates a category and assigns it with its number key', async () => {
    await page.getByTestId('new-category-name').fill('astronaut');
    await page.getByTestId('new-category-name').press('Enter');
    await page.getByTestId('category-row').first().waitFor();
    const categories = await api.listCategories({});
    const category = categories.find((candidate) => candidate.name === 'astronaut');
    expect(category).toBeDefined();
    const index = categories.sort((a, b) => a.id - b.id).findIndex((candidate) => candidate.id === category!.id);
    await page.getByTestId('instance-row').and(page.locator(`[data-instance-id="${editedId}"]`)).click();
    await page.getByTestId('canvas').focus();
    await page.keyboard.press(String(index + 1));
    await expect.poll(async () => (await savedInstance(editedId)).categoryId).toBe(category!.id);
    await screenshot(page, 'ui-06-category-assigned');
  });

  test('renames and deletes a category from the panel', async () => {
    await page.getByTestId('new-category-name').fill('temporary');
    await page.getByTestId('new-category-name').press('Enter');
    await page.getByTestId('category-row').filter({ hasText: 'temporary' }).waitFor();
    const id = (await api.listCategories({})).find((category) => category.name === 'temporary')!.id;
    const row = page.locator(`[data-testid="category-row"][data-category-id="${id}"]`);
    const assignedBefore = (await savedInstances()).map((instance) => instance.categoryId);
    await row.hover();
    await row.locator('.category-rename').click();
    await row.locator('.category-name-input').fill('scratch');
    await row.locator('.category-name-input').press('Enter');
    await expect.poll(async () => (await api.listCategories({})).map((category) => category.name)).toContain('scratch');
    page.once('dialog', (dialog) => void dialog.accept());
    await row.hover();
    await row.locator('.category-delete').click();
    await expect.poll(async () => (await api.listCategories({})).map((category) => category.name)).not.toContain('scratch');
    expect(await page.getByTestId('category-row').filter({ hasText: 'scratch' }).count()).toBe(0);
    expect((await savedInstances()).map((instance) => instance.categoryId)).toEqual(assignedBefore); // renaming assigned nothing
  });

  test('reopening the page restores the saved state exactly', async () => {
    const saved = await savedInstances();
    await page.reload();
    await page.waitForFunction((id) => window.maskpilotEditor?.store.getState().document.images[id] !== undefined, imageId);
    const shown = await page.evaluate((id) => {
      const doc = window.maskpilotEditor!.store.getState().document.images[id];
      return doc.order.map((instanceId) => doc.instances[instanceId]);
    }, imageId);
    expect(shown).toEqual(saved);
    expect(await page.getByTestId("instance-row").count()).toBe(saved.length); // the panel lists rejected ones too (dimmed)
  });

  test('the export dialog downloads COCO as before: a valid, standard dataset (no score) with the accepted instance', async (context) => {
    const probe = await api.exportCoco({ onlyAccepted: true }).catch((error: Error) => error);
    if (probe instanceof Error && /not wired yet/.test(probe.message)) context.skip(`the host's COCO export is not implemented yet: ${probe.message}`);
    await page.getByTestId('export').click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.waitFor();
    // The defaults, said in the dialog: COCO, all images, unassigned as "object", no score.
    expect(await page.getByTestId('export-format-coco').isChecked()).toBe(true);
    expect(await page.getByTestId('export-images-all').isChecked()).toBe(true);
    expect(await page.getByTestId('export-unassigned-object').isChecked()).toBe(true);
    expect(await page.getByTestId('export-include-score').isChecked()).toBe(false);
    expect(await dialog.textContent()).toMatch(/Export them as “object” \(default\)/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-download').click()]);
    const path = await download.path();
    const raw = JSON.parse(await readFile(path, 'utf8')) as { annotations: object[] };
    expect(raw.annotations.some((annotation) => 'score' in annotation)).toBe(false);
    const dataset = parseCocoDataset(raw);
    const image = dataset.images.find((candidate) => candidate.file_name === imageId);
    expect(image).toBeDefined();
    const annotations = dataset.annotations.filter((annotation) => annotation.image_id === image!.id);
    expect(annotations.length).toBeGreaterThanOrEqual(1);
    const category = dataset.categories.find((candidate) => candidate.name === 'astronaut');
    expect(annotations.map((annotation) => annotation.category_id)).toContain(category?.id);
    expect(await page.getByTestId('export-outcome').getAttribute('data-kind')).toBe('downloaded');
    await screenshot(page, 'ui-07-exported');
    await page.getByTestId('export-close').click();
    await expect.poll(() => dialog.count()).toBe(0);
  });

  test('issue #18.8: the dialog exports YOLO segmentation into the folder with real clicks, says what it wrote, and the files are on disk', async () => {
    // What the export should hold, from the host: accepted / edited instances, with and without a category.
    const { images } = await api.listImages({ offset: 0, limit: 100 });
    const usable = images.filter((image) => !image.problem);
    const kept = new Map<string, Instance[]>();
    for (const image of usable) kept.set(image.id, (await api.getAnnotations({ imageId: image.id })).instances.filter((instance) => instance.status === 'accepted' || instance.status === 'edited'));
    const all = [...kept.values()].flat();
    const withCategory = all.filter((instance) => instance.categoryId !== null).length;
    const withoutCategory = all.length - withCategory;

    await page.getByTestId('export').click();
    await page.getByTestId('export-dialog').waitFor();
    await page.getByTestId('export-format-yolo-seg').click();
    expect(await page.getByTestId('export-format-description').textContent()).toMatch(/data\.yaml, labels/);
    expect(await page.getByTestId('export-include-score').isDisabled()).toBe(true); // COCO only
    expect(await page.getByTestId('export-download').count()).toBe(0); // folder only
    await page.getByTestId('export-unassigned-omit').click();
    // Keys belong to the dialog while it is open: A must not accept anything on the canvas behind it.
    const before = await api.getAnnotations({ imageId });
    await page.locator('.export-dialog-title').click({ position: { x: 4, y: 4 } });
    await page.keyboard.press('a');
    await screenshot(page, 'ui-07b-export-dialog');
    await page.getByTestId('export-run').click();
    const outcome = page.getByTestId('export-outcome');
    await expect.poll(() => outcome.getAttribute('data-kind'), { timeout: 60_000 }).toBe('written');
    const exported = (await outcome.getAttribute('data-folder'))!;
    expect(exported).toMatch(/^exports\/yolo-seg-\d{8}-\d{6}$/);
    const text = (await outcome.textContent())!;
    expect(text).toContain(`Exported ${usable.length} image${usable.length === 1 ? '' : 's'}, ${withCategory} annotation${withCategory === 1 ? '' : 's'}`);
    expect(text).toContain(`as YOLO segmentation to photos/${exported}/`);
    expect(text).toContain(withoutCategory === 0 ? 'Nothing left out.' : `${withoutCategory} without a category`);
    expect(await page.getByTestId('notice').textContent()).toBe(text);
    await screenshot(page, 'ui-07c-export-written');
    expect((await api.getAnnotations({ imageId })).revision).toBe(before.revision);

    // The files, on disk in the opened folder.
    const out = resolve(folder, exported);
    expect((await readdir(out)).sort()).toEqual(['.maskpilot-export.json', 'data.yaml', 'images', 'labels']);
    const names = parseYoloNames(await readFile(resolve(out, 'data.yaml'), 'utf8'));
    const categories = (await api.listCategories({})).sort((a, b) => a.id - b.id);
    expect(names).toEqual(categories.map((category) => category.name)); // no "object": unassigned ones were left out
    let lines = 0;
    for (const image of usable) {
      const label = await readFile(resolve(out, yoloLabelPath(`images/${image.id}`)), 'utf8');
      const classes = label.split('\n').filter((line) => line !== '').map((line) => names[Number(line.split(' ')[0])]);
      const expected = kept.get(image.id)!.filter((instance) => instance.categoryId !== null).map((instance) => categories.find((category) => category.id === instance.categoryId)!.name);
      expect(classes).toEqual(expected);
      lines += classes.length;
      expect(await readFile(resolve(out, 'images', image.id))).toEqual(await readFile(resolve(folder, image.id)));
    }
    expect(lines).toBe(withCategory);
    expect(lines).toBeGreaterThanOrEqual(1); // the astronaut
    await page.getByTestId('export-close').click();
    await expect.poll(() => page.getByTestId('export-dialog').count()).toBe(0);
  });

  test('next image with N; the list shows the first image with its derived status', async () => {
    const expected = (await savedInstances()).some((instance) => instance.status === 'proposed') ? 'inProgress' : 'done';
    await page.getByTestId('canvas').focus();
    await page.keyboard.press('n');
    const second = (await api.listImages({ offset: 1, limit: 1 })).images[0].id;
    await page.waitForFunction((id) => window.maskpilotEditor?.store.getState().session.currentImageId === id, second);
    const firstRow = page.locator(`[data-testid="image-item"][data-image-id="${imageId}"]`);
    await expect.poll(() => firstRow.getAttribute('data-status')).toBe(expected);
    await screenshot(page, 'ui-08-next-image');
  });

  test('imports a COCO file chosen in the UI; its instance appears on the open image', async () => {
    const current = await page.evaluate(() => window.maskpilotEditor!.store.getState().session.currentImageId!);
    const image = await api.getImage({ imageId: current });
    const [w, h] = [image.width!, image.height!];
    const ring = [w * 0.2, h * 0.2, w * 0.6, h * 0.25, w * 0.5, h * 0.7];
    const coco = {
      images: [{ id: 7, file_name: current, width: w, height: h }],
      categories: [{ id: 3, name: 'imported-thing' }],
      annotations: [{ id: 1, image_id: 7, category_id: 3, segmentation: [ring], area: 1, bbox: [0, 0, 1, 1], iscrowd: 0 }],
    };
    // With a model, opening an unvisited image proposes: let that finish and save first.
    await expect.poll(() => page.getByTestId('propose').getAttribute('data-busy'), { timeout: 60_000 }).toBe('false');
    await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 10_000 });
    const before = (await api.getAnnotations({ imageId: current })).instances.length;
    const said = await importThroughDialog({ files: { name: 'import.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(coco)) } });
    expect(said.kind).toBe('imported');
    // The proposals or edits the image already has are kept (said when there are some).
    expect(said.text).toMatch(/^Imported 1 annotation on 1 image \(COCO\)\. New category: imported-thing\.( 1 image already had annotations: kept them and added the imported ones\.)?$/);
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 15_000 }).toMatch(/Imported 1 annotation/);
    await closeImportDialog();
    const saved = (await api.getAnnotations({ imageId: current })).instances;
    expect(saved).toHaveLength(before + 1);
    await expect.poll(() => page.getByTestId('instance-row').count()).toBe(before + 1);
    await expect.poll(() => page.getByTestId('category-row').filter({ hasText: 'imported-thing' }).count()).toBe(1);
    await screenshot(page, 'ui-09-imported');
    expect(pageErrors.filter((error) => !/favicon|404/.test(error))).toEqual([]);
  });

  test('issue #20.2: a YOLO segmentation dataset chosen as a folder: its labels imported by image name, categories merged by name, a label of an image not here skipped, the images never sent', async () => {
    const target = 'coffee.jpg';
    const before = await api.getAnnotations({ imageId: target });
    const [w, h] = [before.width, before.height];
    const categoriesBefore = await api.listCategories({});
    const dataset = join(await mkdtemp(join(tmpdir(), 'maskpilot-ui-yolo-')), 'my-dataset');
    try {
      await mkdir(join(dataset, 'labels'), { recursive: true });
      await mkdir(join(dataset, 'images'), { recursive: true });
      await writeFile(join(dataset, 'data.yaml'), 'path: .\ntrain: images\nval: images\nnames:\n  0: imported-thing\n  1: yolo-kite\n');
      await writeFile(join(dataset, 'labels/coffee.txt'), '0 0.1 0.1 0.4 0.1 0.4 0.4\n1 0.5 0.5 0.9 0.5 0.7 0.9\n');
      await writeFile(join(dataset, 'labels/not-here.txt'), '1 0 0 1 0 1 1\n');
      await copyFile(resolve(folder, target), join(dataset, 'images/coffee.jpg'));
      const said = await importThroughDialog({ folder: dataset });
      expect(said).toEqual({
        kind: 'imported',
        text:
          'Imported 2 annotations on 1 image (YOLO segmentation). New category: yolo-kite. ' +
          `${before.instances.length > 0 ? '1 image already had annotations: kept them and added the imported ones. ' : ''}` +
          'Skipped 1 image not in this folder: my-dataset/labels/not-here.txt.',
      });
      expect(await page.getByTestId('notice').textContent()).toBe(said.text);
    } finally {
      await rm(dirname(dataset), { recursive: true, force: true });
    }
    // Only the text files an import reads crossed to the host; the dataset's image did not.
    expect(importSentFiles.at(-1)!.sort()).toEqual(['my-dataset/data.yaml', 'my-dataset/labels/coffee.txt', 'my-dataset/labels/not-here.txt']);
    // Saved on the host: the old work kept, the two polygons in image pixels, accepted, in the right categories.
    const categories = await api.listCategories({});
    expect(categories.filter((category) => category.name === 'imported-thing')).toHaveLength(1);
    expect(categories.map((category) => category.name)).toEqual([...categoriesBefore.map((category) => category.name), 'yolo-kite']);
    const saved = await api.getAnnotations({ imageId: target });
    expect(saved.instances.slice(0, before.instances.length)).toEqual(before.instances);
    const imported = saved.instances.filter((instance) => instance.id.startsWith('yolo-'));
    const idOf = (name: string) => categories.find((category) => category.name === name)!.id;
    expect(imported.map((instance) => [instance.id, instance.status, instance.source, instance.categoryId])).toEqual([
      ['yolo-1', 'accepted', 'manual', idOf('imported-thing')],
      ['yolo-2', 'accepted', 'manual', idOf('yolo-kite')],
    ]);
    expect(imported[0].polygons[0]).toEqual([0.1 * w, 0.1 * h, 0.4 * w, 0.1 * h, 0.4 * w, 0.4 * h].map((value) => expect.closeTo(value, 6)));
    await expect.poll(() => page.locator(`[data-testid="image-item"][data-image-id="${target}"]`).getAttribute('data-status')).toBe(saved.status);
    await screenshot(page, 'ui-09b-import-yolo-folder');
    await closeImportDialog();
  });

  test('issue #20.2: LabelMe files chosen in the file picker: the open image gets their shapes (shown and saved), a file of an image not here is skipped, a bad file saves nothing', async () => {
    const current = await page.evaluate(() => window.maskpilotEditor!.store.getState().session.currentImageId!);
    const before = await api.getAnnotations({ imageId: current });
    const [w, h] = [before.width, before.height];
    const stem = current.replace(/\.[^.]+$/, '');
    const shapes = [
      { label: 'labelme-bird', points: [[w * 0.55, h * 0.1], [w * 0.9, h * 0.15], [w * 0.7, h * 0.45]], group_id: null, shape_type: 'polygon', flags: {} },
      { label: 'Imported-Thing', points: [[w * 0.1, h * 0.6], [w * 0.3, h * 0.9]], group_id: null, shape_type: 'rectangle', flags: {} },
    ];
    const labelme = (imagePath: string, list: unknown[]) => Buffer.from(JSON.stringify({ version: '5.4.1', flags: {}, shapes: list, imagePath, imageData: null, imageHeight: h, imageWidth: w }));
    // A bad file first: the import says which file and shape, and nothing is saved.
    const refused = await importThroughDialog({
      files: [
        { name: `${stem}.json`, mimeType: 'application/json', buffer: labelme(current, shapes) },
        { name: 'broken.json', mimeType: 'application/json', buffer: labelme(current, [{ ...shapes[0], points: [[1, 1], [2, 2]] }]) },
      ],
    });
    expect(refused).toEqual({ kind: 'error', text: 'Import failed: broken.json shapes[0].points: a polygon needs at least 3 points, got 2' });
    expect((await api.getAnnotations({ imageId: current })).revision).toBe(before.revision);
    await closeImportDialog();

    const said = await importThroughDialog({
      files: [
        { name: `${stem}.json`, mimeType: 'application/json', buffer: labelme(current, shapes) },
        { name: 'holiday.json', mimeType: 'application/json', buffer: labelme('holiday.jpg', shapes) },
      ],
    });
    expect(said.kind).toBe('imported');
    expect(said.text).toMatch(/^Imported 2 annotations on 1 image \(LabelMe JSON\)\. New category: labelme-bird\. .*Skipped 1 image not in this folder: holiday\.jpg\.$/);
    const saved = await api.getAnnotations({ imageId: current });
    const categories = await api.listCategories({});
    const idOf = (name: string) => categories.find((category) => category.name === name)!.id;
    expect(saved.instances.filter((instance) => instance.id.startsWith('labelme-')).map((instance) => [instance.id, instance.status, instance.categoryId, instance.polygons[0].length])).toEqual([
      ['labelme-1', 'accepted', idOf('labelme-bird'), 6],
      ['labelme-2', 'accepted', idOf('imported-thing'), 8],
    ]);
    expect(saved.instances.length).toBe(before.instances.length + 2);
    await closeImportDialog();
    // The open image shows them at once (reloaded from the host), in their categories' rows.
    await page.locator('[data-testid="instance-row"][data-instance-id="labelme-1"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="instance-row"][data-instance-id="labelme-2"]').waitFor();
    await screenshot(page, 'ui-09c-import-labelme-shown');
    expect(pageErrors.filter((error) => !/favicon|404/.test(error))).toEqual([]);
  });

  test('propose all shows progress and can be cancelled', async (context) => {
    if (!model.ready) context.skip(`proposal model not available on the host (backend: ${model.backend}); proposing a folder needs it`);
    await page.getByTestId('propose-all').click();
    const progress = page.getByTestId('job-progress');
    await progress.waitFor({ timeout: 15_000 });
    await screenshot(page, 'ui-10-propose-all-progress');
    await page.getByTestId('cancel-job').click();
    // One image is never cut in half, so the job ends after the image in progress.
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 120_000 }).toMatch(/cancelled|finished/);
    expect(await page.getByTestId('notice').textContent()).toMatch(/Propose all (cancelled|finished): \d+ images? proposed/);
  });

  describe('issue #18: what a new annotator trips over', () => {
    let images: string[] = [];
    let working: string;
    const needsModel = (context: { skip(note: string): void }) => {
      if (!model.ready) context.skip(`proposal model not available on the host (backend: ${model.backend}); these steps decide proposals`);
    };
    const saved = async (id = working) => {
      await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
      return api.getAnnotations({ imageId: id });
    };
    const targetLabel = () => page.getByTestId('key-target');

    test('2: the key target is labelled; A keeps the accepted instance selected, so "A then 1" lands on it; Tab moves on; R rejects the target', async (context) => {
      needsModel(context);
      images = (await api.listImages({ offset: 0, limit: 100 })).images.map((image) => image.id);
      working = images[2];
      await openImageWithProposals(working);
      await page.getByTestId('canvas').focus();
      await page.keyboard.press('Escape');
      // Nothing selected: the keys act on the first proposal in Tab order, and the canvas and the list say which.
      const first = (await targetLabel().getAttribute('data-instance-id'))!;
      expect(await targetLabel().getAttribute('data-selected')).toBe('false');
      expect(await targetLabel().textContent()).toMatch(/^Next proposal/);
      expect(await rowIds('[data-testid="instance-row"][data-key-target="true"]')).toEqual([first]);
      const category = (await api.listCategories({})).sort((a, b) => a.id - b.id)[0];
      await page.keyboard.press('a');
      await page.keyboard.press('1');
      let instances = (await saved()).instances;
      expect(instances.find((instance) => instance.id === first)).toMatchObject({ status: 'accepted', categoryId: category.id });
      expect(instances.filter((instance) => instance.categoryId === category.id).map((instance) => instance.id)).toEqual([first]);
      expect(await targetLabel().getAttribute('data-instance-id')).toBe(first);
      expect(await targetLabel().getAttribute('data-selected')).toBe('true');
      await screenshot(page, 'ui-12-key-target-after-a-then-1');
      // Tab moves the target on; R rejects that one and leaves the accepted one alone.
      await page.keyboard.press('Tab');
      const next = (await targetLabel().getAttribute('data-instance-id'))!;
      expect(next).not.toBe(first);
      await page.keyboard.press('r');
      instances = (await saved()).instances;
      expect(instances.find((instance) => instance.id === next)?.status).toBe('rejected');
      expect(instances.find((instance) => instance.id === first)).toMatchObject({ status: 'accepted', categoryId: category.id });
      expect(await targetLabel().getAttribute('data-selected')).toBe('false'); // R clears the selection: the next proposal is the target
      // The rule is written in the shortcut help.
      await page.getByTestId('shortcuts').locator('summary').click();
      expect(await page.getByTestId('key-target-rule').textContent()).toMatch(/selected instance, else the first proposal in Tab order.*keep it selected/);
      await page.getByTestId('shortcuts').locator('summary').click();
    });

    test('5: shown proposals are distinct objects (diverse order), Tab walks them as listed, hovering a row highlights its shape', async (context) => {
      needsModel(context);
      await page.getByTestId('canvas').focus();
      await page.keyboard.press('Escape');
      const shown = await rowIds('[data-testid="instance-row"][data-status="proposed"]:not(.dim)');
      const all = await rowIds('[data-testid="instance-row"][data-status="proposed"]');
      expect(shown.length).toBeGreaterThan(1);
      expect(all.slice(0, shown.length)).toEqual(shown); // the list is in the same order, the shown ones first
      const byId = new Map((await saved()).instances.map((instance) => [instance.id, instance]));
      const masks = shown.map((id) => fromCocoRle(byId.get(id)!.rle));
      const ious = rleIou(masks, masks, masks.map(() => false));
      for (let i = 0; i < shown.length; i++) for (let j = i + 1; j < shown.length; j++) expect(ious[i][j]).toBeLessThanOrEqual(0.5);
      // Tab: from the target (the first shown) to the next ones, in the list's order.
      const walked: string[] = [];
      for (let i = 0; i < Math.min(4, shown.length - 1); i++) {
        await page.keyboard.press('Tab');
        walked.push((await targetLabel().getAttribute('data-instance-id'))!);
      }
      expect(walked).toEqual(shown.slice(1, 1 + walked.length));
      await page.keyboard.press('Escape');
      // Hover a proposal that is not drawn (beyond "Show top N"): its shape appears, filled, on the canvas.
      const canvasBox = (await page.getByTestId('canvas').boundingBox())!;
      let probe: { id: string; at: { x: number; y: number } } | null = null;
      for (const id of all.slice(shown.length, shown.length + 20)) {
        const pixel = deepestPixel(byId.get(id)!.rle);
        const at = await toPage(pixel.x, pixel.y);
        const onCanvas = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.tagName === 'CANVAS', at);
        if (onCanvas && at.x > canvasBox.x && at.x < canvasBox.x + canvasBox.width) {
          probe = { id, at };
          break;
        }
      }
      expect(probe).not.toBeNull();
      await page.mouse.move(canvasBox.x + 5, canvasBox.y + 5);
      const before = await pixelAt(probe!.at.x, probe!.at.y);
      await page.locator(`[data-testid="instance-row"][data-instance-id="${probe!.id}"]`).hover();
      await expect.poll(async () => (await pixelAt(probe!.at.x, probe!.at.y)).reduce((sum, value) => sum + value, 0) - before.reduce((sum, value) => sum + value, 0)).toBeGreaterThan(20);
      await screenshot(page, 'ui-13-proposals-diverse-hover');
      await page.mouse.move(canvasBox.x + 5, canvasBox.y + 5);
      await expect.poll(() => pixelAt(probe!.at.x, probe!.at.y)).toEqual(before);
    });

    test('5: categories get well-separated colours (COCO vase, airplane and dog are no longer all magenta), none the proposals’ white', async () => {
      const current = await page.evaluate(() => window.maskpilotEditor!.store.getState().session.currentImageId!);
      const { width: w, height: h } = await api.getAnnotations({ imageId: current });
      const tri = (x: number, y: number) => [[w * x, h * y, w * (x + 0.1), h * y, w * x, h * (y + 0.1)]];
      const coco = {
        images: [{ id: 1, file_name: current, width: w, height: h }],
        categories: [{ id: 86, name: 'vase' }, { id: 5, name: 'airplane' }, { id: 18, name: 'dog' }],
        annotations: [86, 5, 18].map((categoryId, index) => ({ id: 900 + index, image_id: 1, category_id: categoryId, segmentation: tri(0.05 + 0.3 * index, 0.05), area: 1, bbox: [0, 0, 1, 1], iscrowd: 0 })),
      };
      await importThroughDialog({ files: { name: 'coco-colours.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(coco)) } });
      await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 15_000 }).toMatch(/Imported 3 annotation/);
      await closeImportDialog();
      const colourOf = async (name: string) =>
        page.locator('[data-testid="category-row"]').filter({ has: page.locator(`.category-name:text-is("${name}")`) }).locator('input[type="color"]').inputValue();
      const colours = await Promise.all(['vase', 'airplane', 'dog'].map(colourOf));
      for (let i = 0; i < 3; i++) for (let j = i + 1; j < 3; j++) expect(hueDistance(hueOf(colours[i]), hueOf(colours[j]))).toBeGreaterThan(35);
      const every = await page.locator('[data-testid="category-row"] input[type="color"]').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
      expect(new Set(every).size).toBe(every.length);
      expect(every).not.toContain('#ffffff');
    });

    test('7: kept instances first, then the proposals; each row shows category and W×H; the header and the image list count the same (kept, undecided)', async (context) => {
      needsModel(context);
      const { instances } = await saved();
      const rows = await rowIds('[data-testid="instance-row"]');
      const status = new Map(instances.map((instance) => [instance.id, instance.status]));
      const firstProposal = rows.findIndex((id) => status.get(id) === 'proposed');
      const lastKept = rows.map((id) => status.get(id)).lastIndexOf('accepted');
      expect(lastKept).toBeGreaterThanOrEqual(0);
      expect(lastKept).toBeLessThan(firstProposal);
      const kept = instances.filter((instance) => instance.status === 'accepted' || instance.status === 'edited');
      const undecided = instances.filter((instance) => instance.status === 'proposed');
      const header = page.getByTestId('instance-counts');
      expect(await header.getAttribute('data-kept')).toBe(String(kept.length));
      expect(await header.getAttribute('data-undecided')).toBe(String(undecided.length));
      expect(await header.textContent()).toContain(`${kept.length} kept · ${undecided.length} undecided`);
      const listRow = page.locator(`[data-testid="image-item"][data-image-id="${working}"]`);
      await expect.poll(() => listRow.getAttribute('data-undecided')).toBe(String(undecided.length));
      expect(await listRow.getAttribute('data-kept')).toBe(String(kept.length));
      expect(await listRow.locator('.image-meta').textContent()).toBe(`${kept.length} kept · ${undecided.length} undecided`);
      // Size and category on a kept row.
      const row = page.locator(`[data-testid="instance-row"][data-instance-id="${kept[0].id}"]`);
      const xs = kept[0].polygons.flatMap((ring) => ring.filter((_, i) => i % 2 === 0));
      const ys = kept[0].polygons.flatMap((ring) => ring.filter((_, i) => i % 2 === 1));
      expect(await row.getByTestId('instance-size').textContent()).toBe(`${Math.round(Math.max(...xs) - Math.min(...xs))}×${Math.round(Math.max(...ys) - Math.min(...ys))}`);
      const category = (await api.listCategories({})).find((candidate) => candidate.id === kept[0].categoryId);
      expect(await row.locator('.instance-category').textContent()).toContain(category?.name ?? 'unassigned');
    });

    test('6: Ctrl+Enter finishes the image (undecided proposals rejected, image done); one Ctrl+Z brings them back; the button does it too', async (context) => {
      needsModel(context);
      const before = await saved();
      const undecided = before.instances.filter((instance) => instance.status === 'proposed').length;
      expect(undecided).toBeGreaterThan(0);
      await page.getByTestId('canvas').focus();
      await page.keyboard.press('Control+Enter');
      let after = await saved();
      expect(after.status).toBe('done');
      expect(after.instances.filter((instance) => instance.status === 'proposed')).toHaveLength(0);
      expect(after.instances.filter((instance) => instance.status === 'rejected')).toHaveLength(before.instances.filter((instance) => instance.status === 'rejected').length + undecided);
      const listRow = page.locator(`[data-testid="image-item"][data-image-id="${working}"]`);
      await expect.poll(() => listRow.getAttribute('data-status')).toBe('done');
      expect(await listRow.locator('.image-meta').textContent()).toMatch(/^Done · \d+ kept$/);
      await page.getByTestId('image-done').waitFor();
      await screenshot(page, 'ui-14-image-finished');
      await page.keyboard.press('Control+z');
      after = await saved();
      expect(after.instances).toEqual(before.instances);
      expect(after.status).toBe('inProgress');
      await page.getByTestId('finish-image').click();
      after = await saved();
      expect(after.status).toBe('done');
      await page.keyboard.press('Control+z');
      expect((await saved()).instances).toEqual(before.instances);
    });

    test('6: an image with nothing on it: Ctrl+Enter marks it done (saved, listed as done), one Ctrl+Z takes it back, the Mark done button does it too', async () => {
      const before = await page.evaluate(() => window.maskpilotEditor!.store.getState().session.currentImageId!);
      const all = (await api.listImages({ offset: 0, limit: 100 })).images.filter((image) => !image.problem);
      const empty = all.at(-1)!.id;
      expect(empty).not.toBe(before);
      // Opened before, nothing on it (the model found nothing, or the user deleted it all): opening does not propose.
      await api.saveAnnotations({ imageId: empty, instances: [], status: 'inProgress' });
      await page.locator(`[data-testid="image-item"][data-image-id="${empty}"]`).click();
      await page.waitForFunction((id) => {
        const state = window.maskpilotEditor?.store.getState();
        return state?.session.currentImageId === id && state.document.images[id] !== undefined;
      }, empty);
      await page.getByTestId('mark-empty-done').waitFor();
      expect(await page.getByTestId('finish-image').isEnabled()).toBe(true);
      const listRow = page.locator(`[data-testid="image-item"][data-image-id="${empty}"]`);
      await page.getByTestId('canvas').focus();
      await page.keyboard.press('Control+Enter');
      await expect.poll(async () => (await api.getAnnotations({ imageId: empty })).status, { timeout: 15_000 }).toBe('done');
      expect((await api.getAnnotations({ imageId: empty })).instances).toEqual([]);
      await expect.poll(() => listRow.getAttribute('data-status')).toBe('done');
      await page.getByTestId('image-done').waitFor();
      expect(await page.getByTestId('finish-image').isEnabled()).toBe(false);
      await screenshot(page, 'ui-14b-empty-image-done');
      await page.keyboard.press('Control+z');
      await expect.poll(async () => (await api.getAnnotations({ imageId: empty })).status, { timeout: 15_000 }).toBe('inProgress');
      await expect.poll(() => listRow.getAttribute('data-status')).toBe('inProgress');
      await page.getByTestId('mark-empty-done').click();
      await expect.poll(async () => (await api.getAnnotations({ imageId: empty })).status, { timeout: 15_000 }).toBe('done');
      // Back to the image the next steps work on.
      await page.locator(`[data-testid="image-item"][data-image-id="${before}"]`).click();
      await page.waitForFunction((id) => window.maskpilotEditor?.store.getState().session.currentImageId === id, before);
      await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
    });

    test('9: the new-category box lets go after Enter (1 then assigns); C opens a picker that reaches categories past 9', async (context) => {
      needsModel(context);
      const box = page.getByTestId('new-category-name');
      await box.click();
      await page.keyboard.type('zebra');
      await page.keyboard.press('Enter');
      await page.locator('[data-testid="category-row"]').filter({ hasText: 'zebra' }).waitFor();
      await page.keyboard.press('Escape');
      const target = (await targetLabel().getAttribute('data-instance-id'))!;
      await page.keyboard.press('1');
      expect(await box.inputValue()).toBe('');
      const sorted = (await api.listCategories({})).sort((a, b) => a.id - b.id);
      await expect.poll(async () => (await saved()).instances.find((instance) => instance.id === target)?.categoryId).toBe(sorted[0].id);
      // Categories 10 and beyond: C, type part of the name, Enter.
      for (let i = sorted.length; i < 12; i++) {
        await box.click();
        await page.keyboard.type(`kind-${i}`);
        await page.keyboard.press('Enter');
        await page.locator('[data-testid="category-row"]').filter({ hasText: `kind-${i}` }).waitFor();
      }
      const tenth = (await api.listCategories({})).sort((a, b) => a.id - b.id)[10];
      await page.keyboard.press('c');
      await page.getByTestId('category-picker').waitFor();
      await page.keyboard.type(tenth.name.slice(-4));
      expect(await page.getByTestId('category-picker-row').first().textContent()).toContain(tenth.name);
      await screenshot(page, 'ui-15-category-picker');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.getByTestId('category-picker').count()).toBe(0);
      await expect.poll(async () => (await saved()).instances.find((instance) => instance.id === target)?.categoryId).toBe(tenth.id);
    });

    test('4: 22 categories scroll in their own box and leave the instance list its rows; labels are not cut', async (context) => {
      needsModel(context);
      const box = page.getByTestId('new-category-name');
      for (let i = (await api.listCategories({})).length; i < 22; i++) {
        await box.fill(`class-${i}`);
        await box.press('Enter');
        await page.locator('[data-testid="category-row"]').filter({ hasText: `class-${i}` }).waitFor();
      }
      const layout = await layoutBoxes();
      expect(layout.instanceRows!.height).toBeGreaterThan(10 * 24); // at least ten rows, not three
      const categoryRows = await page.getByTestId('category-rows').evaluate((element) => ({ client: element.clientHeight, scroll: element.scrollHeight }));
      expect(categoryRows.scroll).toBeGreaterThan(categoryRows.client);
      const cut = await page.locator('[data-testid="instance-row"] .instance-category').evaluateAll((labels) => labels.filter((label) => label.textContent === 'unassigned' && label.scrollWidth > label.clientWidth).length);
      expect(cut).toBe(0);
      await screenshot(page, 'ui-16-22-categories');
    });

    test('4: in a narrow window with long texts, a notice and the model panel open, nothing widens the page; training never moves the canvas', { timeout: 300_000 }, async (context) => {
      needsModel(context);
      await page.setViewportSize({ width: 1100, height: 800 });
      const box = page.getByTestId('new-category-name');
      const long = `a-category-name-without-any-space-${'x'.repeat(60)}`; // the host allows 100 characters
      await box.fill(long);
      await box.press('Enter');
      await page.locator('[data-testid="category-row"]').filter({ hasText: long }).waitFor();
      expect((await importThroughDialog({ files: { name: `${'long-file-name-'.repeat(12)}.json`, mimeType: 'application/json', buffer: Buffer.from('{"images": "not a list"}') } })).kind).toBe('error');
      await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/Import failed/);
      await closeImportDialog();
      await page.getByTestId('canvas').focus();
      await page.keyboard.press('m');
      await page.getByTestId('model-panel').waitFor();
      const still = await layoutBoxes();
      expect(still.scrollWidth).toBeLessThanOrEqual(still.viewport.width);
      expect(still.exportButton.right).toBeLessThanOrEqual(still.viewport.width);
      expect(still.toolbar.height).toBeLessThanOrEqual(40); // one row
      await screenshot(page, 'ui-17-narrow-window-long-texts');
      // Training (the one started here, or an automatic one already running) changes the toolbar's
      // Model button: the toolbar keeps its one row and the canvas does not move, before, during, after.
      const training = () => page.getByTestId('model-panel-toggle').getAttribute('data-training');
      const start = page.getByTestId('fine-tune-now');
      if ((await training()) !== 'true' && (await start.isEnabled())) {
        await page.getByTestId('fine-tune-steps').fill('3');
        await start.click();
      }
      const sawTraining = await expect.poll(training, { timeout: 30_000 }).toBe('true').then(() => true, () => false);
      if (sawTraining) {
        const during = await layoutBoxes();
        expect(during.canvas).toEqual(still.canvas);
        expect(during.toolbar.height).toBe(still.toolbar.height);
        await screenshot(page, 'ui-18-training-canvas-still');
        if (await page.getByTestId('cancel-fine-tune').isVisible()) await page.getByTestId('cancel-fine-tune').click();
        await expect.poll(training, { timeout: 180_000 }).toBe('false');
      } else {
        console.warn('no fine-tune could run on this host: the canvas was checked without training');
      }
      expect((await layoutBoxes()).canvas).toEqual(still.canvas);
      await page.keyboard.press('m');
      await page.setViewportSize({ width: 1440, height: 900 });
    });

    test('9: Propose all says why it skips images', async (context) => {
      needsModel(context);
      await page.getByTestId('propose-all').click();
      await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 120_000 }).toMatch(/(Nothing to propose|Propose all finished: \d+ images? proposed);? .*\d+ images? skipped: \d+ already/);
    });
  });

  test('an edit made while the host is down is kept and saved once it is back', async () => {
    await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 30_000 });
    const current = await page.evaluate(() => window.maskpilotEditor!.store.getState().session.currentImageId!);
    const target = (await api.getAnnotations({ imageId: current })).instances.find((instance) => instance.categoryId !== null);
    expect(target).toBeDefined();
    api.close();
    await host.kill();
    await page.getByTestId('connection').waitFor({ timeout: 15_000 });
    await page.locator(`[data-testid="instance-row"][data-instance-id="${target!.id}"]`).click();
    await page.getByTestId('canvas').focus();
    await page.keyboard.press('0'); // unassign its category
    await screenshot(page, 'ui-11-offline-edit');
    await host.restart();
    api = await connectApi(host.url);
    await expect
      .poll(async () => (await api.getAnnotations({ imageId: current })).instances.find((instance) => instance.id === target!.id)?.categoryId, {
        timeout: 90_000,
      })
      .toBeNull();
    await expect.poll(() => page.getByTestId('connection').count(), { timeout: 30_000 }).toBe(0);
  });
  test('9: after a restart with a new address the old tab says so and what to do, instead of "Reconnecting…" forever', async () => {
    api.close();
    const port = host.port;
    const oldToken = host.token;
    await host.kill();
    await page.getByTestId('connection').waitFor({ timeout: 15_000 });
    // `maskpilot host` started again on the same port makes a new token: the page's URL can never work again.
    host = await startHostProcess(folder, { port });
    expect(host.token).not.toBe(oldToken);
    api = await connectApi(host.url);
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state'), { timeout: 30_000 }).toBe('refused');
    const banner = page.getByTestId('connection-banner');
    expect(await banner.getAttribute('data-state')).toBe('refused');
    expect(await banner.textContent()).toMatch(/restarted with a new address.*Open the new URL/);
    expect(await page.getByTestId('connection').textContent()).not.toMatch(/Reconnecting/);
    expect(await page.getByTestId('notice').textContent()).not.toMatch(/code \d+|getAnnotations|saveAnnotations|cannot call/);
    await screenshot(page, 'ui-19-host-restarted-new-address');
    // The address it printed works.
    await page.goto(host.url);
    await page.getByTestId('image-item').first().waitFor();
    expect(await page.getByTestId('connection').count()).toBe(0);
  });
});

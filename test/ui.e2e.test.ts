// The annotation UI end to end: the real headless host (child process) on a temp copy of the
// sample photos, the built renderer in Debian Chromium, real mouse and keyboard input, and the
// results checked through the API (what is on disk), not through the page's own state.
// Steps that need the proposal model skip with the host's reason when no model is loaded.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import type { Instance, ModelStatus, SegmentBox, SegmentClick, SegmentPrompt } from '../shared/api/types';
import { parseCocoDataset } from '../shared/coco/validate';
import { fromCocoRle, rleIou } from '../shared/geometry';
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
        const message = typeof payload === 'string' ? (JSON.parse(payload) as { method?: string; params?: SegmentPrompt }) : null;
        if (message?.method === 'segmentAt' && message.params) segmentPrompts.push(message.params);
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

  test('exports COCO from the UI; the download is a valid dataset with the accepted instance', async (context) => {
    const probe = await api.exportCoco({ onlyAccepted: true }).catch((error: Error) => error);
    if (probe instanceof Error && /not wired yet/.test(probe.message)) context.skip(`the host's COCO export is not implemented yet: ${probe.message}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-coco').click()]);
    const path = await download.path();
    const dataset = parseCocoDataset(JSON.parse(await readFile(path, 'utf8')));
    const image = dataset.images.find((candidate) => candidate.file_name === imageId);
    expect(image).toBeDefined();
    const annotations = dataset.annotations.filter((annotation) => annotation.image_id === image!.id);
    expect(annotations.length).toBeGreaterThanOrEqual(1);
    const category = dataset.categories.find((candidate) => candidate.name === 'astronaut');
    expect(annotations.map((annotation) => annotation.category_id)).toContain(category?.id);
    await screenshot(page, 'ui-07-exported');
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
    await page.getByTestId('import-coco-file').setInputFiles({ name: 'import.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(coco)) });
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 15_000 }).toMatch(/Imported 1 annotation/);
    const saved = (await api.getAnnotations({ imageId: current })).instances;
    expect(saved).toHaveLength(before + 1);
    await expect.poll(() => page.getByTestId('instance-row').count()).toBe(before + 1);
    await expect.poll(() => page.getByTestId('category-row').filter({ hasText: 'imported-thing' }).count()).toBe(1);
    await screenshot(page, 'ui-09-imported');
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
});

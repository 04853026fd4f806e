// The learning loop in the UI end to end: the real headless host (child process) on a temp copy of
// the sample photos, the built renderer in Debian Chromium, real clicks and keys. The annotator
// decides proposals on five images, starts a short fine-tune from the model panel, watches its
// progress bar and loss plot, sees the new version with its held-out evaluation, rolls back, and
// reads the per-version statistics. Results are checked through the API (what the host stored).
// Steps skip with the host's own reason when it has no model or cannot fine-tune.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Instance, ModelStatus, ModelVersion } from '../shared/api/types';
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

/** Training steps of the fine-tune started from the panel: enough for a loss curve, cheap on 2 cores. */
const FINE_TUNE_STEPS = 40;
/** Images whose proposals get decided: the host holds out every 5th image with positives for evaluation. */
const IMAGES_TO_DECIDE = 5;

let folder: string;
let host: HostProcess;
let browser: Browser;
let page: Page;
let api: Awaited<ReturnType<typeof connectApi>>;
let model: ModelStatus;
let pageErrors: string[];
/** Why fine-tuning cannot run on this host, or null. */
let learningSkip: string | null = null;
let versionsBefore: ModelVersion[] = [];
let baseId: string | null = null;
let newVersionId: string | null = null;

interface Camera {
  x: number;
  y: number;
  scale: number;
}

interface EditorHandle {
  store: {
    getState(): {
      session: { camera: Camera; currentImageId: string | null; selection: { instanceId: string } | null };
      document: { images: Record<string, { order: string[]; instances: Record<string, Instance> }> };
    };
  };
}
declare global {
  interface Window {
    maskpilotEditor?: EditorHandle;
  }
}

const currentImage = () => page.evaluate(() => window.maskpilotEditor!.store.getState().session.currentImageId!);

async function toPage(x: number, y: number): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId('canvas').boundingBox();
  const camera = await page.evaluate(() => window.maskpilotEditor!.store.getState().session.camera as Camera);
  if (!box) throw new Error('canvas not on screen');
  return { x: box.x + camera.x + x * camera.scale, y: box.y + camera.y + y * camera.scale };
}

/**
 * Waits for the proposals an unvisited image gets when it is opened (the model is ready in every
 * step that calls this). Clicking Propose as well would add a second batch once the first is in.
 */
async function waitForProposals(): Promise<void> {
  await page.getByTestId('instance-row').first().waitFor({ timeout: 90_000 });
  await expect.poll(() => page.getByTestId('propose').getAttribute('data-busy'), { timeout: 90_000 }).toBe('false');
}

async function waitSaved(): Promise<void> {
  await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
}

describe.skipIf(skipReason !== null)('learning loop in the UI (Chromium on the headless host)', () => {
  beforeAll(async () => {
    folder = await copyFolderToTemp(samplePhotos, 'maskpilot-ui-learning-');
    host = await startHostProcess(folder);
    api = await connectApi(host.url);
    model = await api.getModelStatus({});
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    pageErrors = collectPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    api?.close();
    await host?.stop();
    if (folder) await removeTempFolder(folder);
  });

  test('the model panel opens from the toolbar and lists the versions, the active one marked', async (context) => {
    await page.goto(host.url);
    await page.getByTestId('image-item').first().waitFor();
    await page.getByTestId('model-panel-toggle').click();
    const panel = page.getByTestId('model-panel');
    await panel.waitFor();
    // M toggles it from the keyboard too.
    await page.getByTestId('canvas').focus();
    await page.keyboard.press('m');
    await expect.poll(() => panel.count()).toBe(0);
    await page.keyboard.press('m');
    await panel.waitFor();
    const listed = await api.listModelVersions({}).catch((error: Error) => error);
    if (listed instanceof Error) {
      await expect.poll(() => page.getByTestId('model-unavailable').textContent()).toContain(listed.message);
      context.skip(`the host lists no model versions: ${listed.message}`);
      return;
    }
    versionsBefore = listed.versions;
    baseId = listed.activeId;
    await expect.poll(() => page.getByTestId('version-row').count()).toBe(listed.versions.length);
    if (listed.activeId && listed.versions.some((version) => version.id === listed.activeId)) {
      const active = page.locator(`[data-testid="version-row"][data-version-id="${listed.activeId}"]`);
      expect(await active.getAttribute('data-active')).toBe('true');
      expect(await active.getByTestId('active-version').count()).toBe(1);
    }
    // The bundled networks are versions: each non-active one offers Activate.
    const others = listed.versions.filter((version) => version.id !== listed.activeId);
    expect(await page.getByTestId('activate-version').count()).toBe(others.length);
    if (!model.ready) learningSkip = `proposal model not available on the host (backend: ${model.backend})`;
  });

  test(`decides proposals on ${IMAGES_TO_DECIDE} images (accept, reject, one vertex edit); the panel counts the corrections`, { timeout: 300_000 }, async (context) => {
    if (!model.ready) context.skip(`proposal model not available on the host (backend: ${model.backend}; ${model.backendNotes.join('; ') || 'no notes'})`);
    // An automatic fine-tune would start by itself after enough corrections; the panel's checkbox
    // turns it off (stored by the host) so the run below is the one started by hand.
    if ((await api.getLearningState({})).settings.autoFineTune) {
      await page.getByTestId('auto-fine-tune').click();
      await expect.poll(async () => (await api.getLearningState({})).settings.autoFineTune).toBe(false);
      await expect.poll(() => page.getByTestId('auto-fine-tune').isChecked()).toBe(false);
    }
    let edited: { imageId: string; id: string } | null = null;
    for (let image = 0; image < IMAGES_TO_DECIDE; image++) {
      if (image > 0) {
        const previous = await currentImage();
        await page.getByTestId('canvas').focus();
        await page.keyboard.press('n');
        await expect.poll(currentImage).not.toBe(previous);
      }
      await waitForProposals();
      await page.getByTestId('canvas').focus();
      // A keeps the accepted instance selected (issue #18.2); Tab moves on to the next proposal.
      await page.keyboard.press('a');
      await page.keyboard.press('Tab');
      await page.keyboard.press('a');
      await page.keyboard.press('Tab');
      await page.keyboard.press('r');
      if (image === 0) {
        // Drag one vertex of an accepted proposal: it becomes 'edited' and keeps its proposed mask.
        const imageId = await currentImage();
        await waitSaved();
        const target = (await api.getAnnotations({ imageId })).instances.find((instance) => instance.status === 'accepted' && instance.source === 'model')!;
        const { width, height } = await api.getAnnotations({ imageId });
        const ring = target.polygons[0];
        let vertex = 0;
        const room = (i: number) => Math.min(ring[2 * i], width - ring[2 * i], ring[2 * i + 1], height - ring[2 * i + 1]);
        for (let i = 1; i < ring.length / 2; i++) if (room(i) > room(vertex)) vertex = i;
        await page.locator(`[data-testid="instance-row"][data-instance-id="${target.id}"]`).click();
        const start = await toPage(ring[2 * vertex], ring[2 * vertex + 1]);
        await page.mouse.move(start.x, start.y);
        await page.mouse.down();
        for (let step = 1; step <= 6; step++) await page.mouse.move(start.x + 5 * step, start.y + 4 * step);
        await page.mouse.up();
        edited = { imageId, id: target.id };
        // Reject every other proposal, the low-scoring ones too (threshold slider to 0 with Home):
        // the image is then complete, so the fine-tune may learn "no object" from its background.
        await page.getByTestId('threshold').focus();
        await page.keyboard.press('Home');
        await page.getByTestId('canvas').focus();
        await page.keyboard.press('Escape'); // deselect the edited instance: R then takes the best proposal
        const pending = () =>
          page.evaluate((id) => {
            const doc = window.maskpilotEditor!.store.getState().document.images[id];
            return doc.order.filter((instanceId) => doc.instances[instanceId].status === 'proposed').length;
          }, imageId);
        for (let left = await pending(); left > 0; left = await pending()) {
          for (let i = 0; i < Math.min(left, 20); i++) await page.keyboard.press('r');
        }
        await waitSaved();
        expect((await api.getAnnotations({ imageId })).status).toBe('done');
      }
      await waitSaved();
    }
    const saved = (await api.getAnnotations({ imageId: edited!.imageId })).instances.find((instance) => instance.id === edited!.id)!;
    expect(saved.status).toBe('edited');
    expect(saved.proposalRle).toBeDefined();
    expect(saved.proposalRle!.counts).not.toBe(saved.rle.counts);

    const state = await api.getLearningState({});
    expect(state.correctionsSinceFineTune).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('corrections-count').textContent(), { timeout: 10_000 }).toContain(`${state.correctionsSinceFineTune} correction`);
    // The active version's bar: what the API counts, shown on the panel.
    const stats = (await api.getVersionStats({})).find((entry) => entry.versionId === baseId);
    expect(stats?.acceptedAsIs).toBeGreaterThan(0);
    const row = page.locator(`[data-testid="version-stats-row"][data-version-id="${baseId}"]`);
    await expect.poll(() => row.locator('[data-part="acceptedAsIs"]').getAttribute('data-count'), { timeout: 10_000 }).toBe(String(stats!.acceptedAsIs));
    await expect.poll(() => row.locator('[data-part="rejected"]').getAttribute('data-count')).toBe(String(stats!.rejected));
    await expect.poll(() => row.locator('[data-part="edited"]').getAttribute('data-count')).toBe(String(stats!.edited));
  });

  test('fine-tune from the panel: progress bar with phase and steps, live loss plot, a new evaluated version', { timeout: 420_000 }, async (context) => {
    if (learningSkip) context.skip(learningSkip);
    await page.getByTestId('fine-tune-steps').fill(String(FINE_TUNE_STEPS));
    await page.getByTestId('fine-tune-now').click();
    const progress = page.getByTestId('fine-tune-progress');
    const notice = page.getByTestId('notice');
    // Either the run starts (the progress bar appears) or the host says why it cannot.
    await expect.poll(async () => (await progress.count()) > 0 || /Could not start fine-tuning/.test((await notice.textContent()) ?? ''), { timeout: 15_000 }).toBe(true);
    if ((await progress.count()) === 0) context.skip(`the host refused to fine-tune: ${await notice.textContent()}`);

    // The bar follows the run through its phases; the loss plot fills in while it trains.
    const trainingOrEnded = async () => {
      const phase = await progress.getAttribute('data-phase');
      const points = Number(await page.getByTestId('loss-plot').getAttribute('data-points'));
      return points > 0 || phase === 'finished' || phase === 'failed' || phase === 'cancelled';
    };
    await expect.poll(trainingOrEnded, { timeout: 240_000, interval: 250 }).toBe(true);
    expect(`${await progress.getAttribute('data-phase')}: ${await progress.textContent()}`).not.toMatch(/^failed/);
    expect(Number(await page.getByTestId('loss-plot').getAttribute('data-points'))).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('corrections-count').textContent()).toBe('0 corrections since the last fine-tune');
    await expect.poll(() => page.getByTestId('fine-tune-status').textContent()).toMatch(/step \d+\/\d+/);
    await screenshot(page, 'ui-learning-01-fine-tune-running');
    await page.getByTestId('model-panel').screenshot({ path: resolve(repoRoot, 'test-results/ui-learning-panel-running.png') });
    expect(await page.getByTestId('loss-curve-mask').getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+/);
    expect(await page.getByTestId('loss-curve-score').getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+/);

    await expect.poll(() => progress.getAttribute('data-phase'), { timeout: 300_000, interval: 500 }).toMatch(/finished|failed|cancelled/);
    expect(await progress.getAttribute('data-phase')).toBe('finished');
    expect(await page.getByTestId('cancel-fine-tune').count()).toBe(0);

    const after = await api.listModelVersions({});
    const added = after.versions.filter((version) => !versionsBefore.some((before) => before.id === version.id));
    expect(added).toHaveLength(1);
    newVersionId = added[0].id;
    expect(added[0].parentId).toBe(baseId);
    const row = page.locator(`[data-testid="version-row"][data-version-id="${newVersionId}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('version-decision').textContent()).toBe(added[0].decision);
    if (added[0].evaluation) {
      expect(await row.getByTestId('version-eval').textContent()).toMatch(/AR@10 [\d.]+ · AR@100 [\d.]+/);
      expect(await row.getByTestId('version-eval').textContent()).toContain('baseline');
    }
    // The version the host made active (adopted or not) is the one marked.
    await expect.poll(() => page.locator('[data-testid="version-row"][data-active="true"]').getAttribute('data-version-id')).toBe(after.activeId);
    expect((await api.getLearningState({})).correctionsSinceFineTune).toBe(0);
    await page.getByTestId('model-panel').screenshot({ path: resolve(repoRoot, 'test-results/ui-learning-panel-finished.png') });
  });

  test('rolls back to the bundled network and then activates the fine-tune again; the statistics list every version used', { timeout: 300_000 }, async (context) => {
    if (learningSkip || !newVersionId || !baseId) context.skip(learningSkip ?? 'no fine-tune was made');
    const { activeId } = await api.listModelVersions({});
    if (activeId !== newVersionId) {
      // Not adopted by the host: activate it by hand first, so the roll back below is a real one.
      await page.locator(`[data-testid="version-row"][data-version-id="${newVersionId}"]`).getByTestId('activate-version').click();
      await expect.poll(async () => (await api.listModelVersions({})).activeId, { timeout: 120_000 }).toBe(newVersionId);
    }
    const baseRow = page.locator(`[data-testid="version-row"][data-version-id="${baseId}"]`);
    await expect.poll(() => baseRow.getByTestId('activate-version').textContent()).toBe('Roll back');
    await baseRow.getByTestId('activate-version').click();
    await expect.poll(async () => (await api.listModelVersions({})).activeId, { timeout: 120_000 }).toBe(baseId);
    await expect.poll(() => baseRow.getAttribute('data-active')).toBe('true');
    await expect.poll(() => page.getByTestId('model-status').textContent()).toContain(baseId!);

    // A proposal from the fine-tune, accepted on a new image, shows up under its version.
    await page.locator(`[data-testid="version-row"][data-version-id="${newVersionId}"]`).getByTestId('activate-version').click();
    await expect.poll(async () => (await api.listModelVersions({})).activeId, { timeout: 120_000 }).toBe(newVersionId);
    const previous = await currentImage();
    await page.getByTestId('canvas').focus();
    await page.keyboard.press('n');
    await expect.poll(currentImage).not.toBe(previous);
    await waitForProposals();
    await page.getByTestId('canvas').focus();
    await page.keyboard.press('a');
    await waitSaved();
    const stats = await api.getVersionStats({});
    expect(stats.find((entry) => entry.versionId === newVersionId)?.acceptedAsIs).toBeGreaterThan(0);
    const newRow = page.locator(`[data-testid="version-stats-row"][data-version-id="${newVersionId}"]`);
    await expect.poll(() => newRow.locator('[data-part="acceptedAsIs"]').getAttribute('data-count'), { timeout: 10_000 }).toBe(
      String(stats.find((entry) => entry.versionId === newVersionId)!.acceptedAsIs),
    );
    await page.getByTestId('model-panel').screenshot({ path: resolve(repoRoot, 'test-results/ui-learning-panel-stats.png') });
    await screenshot(page, 'ui-learning-02-stats');
    expect(pageErrors.filter((error) => !/favicon|404/.test(error))).toEqual([]);
  });

  test('Cancel stops a running fine-tune: no new version, the active one unchanged', { timeout: 180_000 }, async (context) => {
    if (learningSkip || !newVersionId) context.skip(learningSkip ?? 'no fine-tune was made');
    const before = await api.listModelVersions({});
    await page.getByTestId('fine-tune-steps').fill('400');
    await page.getByTestId('fine-tune-now').click();
    const progress = page.getByTestId('fine-tune-progress');
    await page.getByTestId('cancel-fine-tune').click({ timeout: 30_000 });
    await expect.poll(() => progress.getAttribute('data-phase'), { timeout: 120_000, interval: 500 }).toMatch(/cancelled|finished|failed/);
    expect(await progress.getAttribute('data-phase')).toBe('cancelled');
    expect(await page.getByTestId('fine-tune-status').textContent()).toMatch(/^Cancelled/);
    expect(await page.getByTestId('fine-tune-now').isEnabled()).toBe(true);
    const after = await api.listModelVersions({});
    expect(after.versions.map((version) => version.id)).toEqual(before.versions.map((version) => version.id));
    expect(after.activeId).toBe(before.activeId);
  });

  test('picks the other network (InstanceFCN) from the same list', { timeout: 120_000 }, async (context) => {
    const other = versionsBefore.find((version) => version.kind === 'bundled' && version.architecture === 'instancefcn');
    if (!other || !model.ready) context.skip(other ? `proposal model not available on the host (backend: ${model.backend})` : 'the host lists no InstanceFCN version');
    const row = page.locator(`[data-testid="version-row"][data-version-id="${other!.id}"]`);
    expect(await row.getByTestId('activate-version').textContent()).toBe('Activate');
    await row.getByTestId('activate-version').click();
    await expect.poll(async () => (await api.listModelVersions({})).activeId, { timeout: 90_000 }).toBe(other!.id);
    await expect.poll(() => row.getAttribute('data-active')).toBe('true');
    await expect.poll(async () => (await api.getModelStatus({})).modelVersion).toBe(other!.id);
    await expect.poll(() => page.getByTestId('model-status').textContent()).toContain(other!.id);
    // The learner fine-tunes DeepMask only: with InstanceFCN active the button says why it is off.
    const fineTuneNow = page.getByTestId('fine-tune-now');
    await expect.poll(() => fineTuneNow.isDisabled()).toBe(true);
    expect(await fineTuneNow.getAttribute('title')).toMatch(/DeepMask versions/);
  });
});

// The learning-loop bench's API driver against the real project service (with a fake model, so it
// runs in a second): a walked image is saved with the annotator's decisions and status 'done', the
// remaining images are proposed but never saved, and fineTuneAndWait follows onDidFineTune to the
// end, including events that arrive before fineTune() itself resolves.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { ApiEventName, ApiEvents } from '../../shared/api/contract';
import type { FineTuneProgress, Instance, ModelStatus, ModelVersion } from '../../shared/api/types';
import { polygonToRle, toCocoRle } from '../../shared/geometry';
import { openProject, type ProjectService } from '../../electron/services/project';
import type { ModelProvider } from '../../electron/services/model-provider';
import { makeTempFolder, writeImage } from '../../electron/services/project/test-helpers';
import { fineTuneAndWait, proposeRemaining, walkImage, type LoopApi } from '../../bench/lib/loop-driver';
import type { TruthImage } from '../../bench/lib/pennfudan-truth';
import { copyImagesToTempProject } from '../../bench/lib/project-copy';

const W = 64;
const H = 48;
const rect = (x0: number, y0: number, x1: number, y1: number) => [x0, y0, x1, y0, x1, y1, x0, y1];
const modelInstance = (id: string, score: number, box: [number, number, number, number]): Instance => ({
  id,
  polygons: [rect(...box)],
  rle: toCocoRle(polygonToRle(rect(...box), H, W)),
  score,
  status: 'proposed',
  source: 'model',
  categoryId: null,
  modelVersion: 'fake-v1',
});

class FakeProvider implements ModelProvider {
  calls: { path: string; maxProposals: number }[] = [];
  status(): ModelStatus {
    return { backend: 'fake', backendNotes: [], modelVersion: 'fake-v1', lastLatencyMs: null, ready: true };
  }
  async propose(image: { path: string }, options: { maxProposals: number }): Promise<Instance[]> {
    this.calls.push({ path: image.path, maxProposals: options.maxProposals });
    return [modelInstance('m1', 0.9, [4, 4, 20, 40]), modelInstance('m2', 0.6, [30, 4, 40, 10])].slice(0, options.maxProposals);
  }
  async segmentAt(): Promise<Instance | null> {
    return null;
  }
  async dispose(): Promise<void> {}
}

const truth: TruthImage = {
  fileName: 'a.png',
  width: W,
  height: H,
  objects: [
    { rle: polygonToRle(rect(4, 4, 20, 40), H, W), polygons: [rect(4, 4, 20, 40)], area: 16 * 36, isCrowd: false },
    { rle: polygonToRle(rect(40, 20, 60, 44), H, W), polygons: [[40, 20, 60, 20, 60, 44, 50, 46, 40, 44]], area: 480, isCrowd: false },
  ],
};

describe('loop driver on the real project service', () => {
  let project: ProjectService | undefined;
  let cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await project?.close();
    project = undefined;
    for (const cleanup of cleanups) await cleanup();
    cleanups = [];
  });

  test('walkImage saves accepted, rejected and drawn instances with status done; proposeRemaining saves nothing', async () => {
    const source = await makeTempFolder('maskpilot-loop-src-');
    cleanups.push(() => rm(source, { recursive: true, force: true }));
    await writeImage(join(source, 'a.png'), W, H);
    await writeImage(join(source, 'b.png'), W, H);
    await writeImage(join(source, 'not-copied.png'), W, H);
    const copy = await copyImagesToTempProject(source, ['a.png', 'b.png'], 'maskpilot-loop-project-');
    cleanups.push(copy.cleanup);
    const model = new FakeProvider();
    project = await openProject(copy.folder, { model });
    expect((await project.listImages({ offset: 0, limit: 10 })).images.map((image) => image.id)).toEqual(['a.png', 'b.png']);

    const decisions = await walkImage(project, 'a.png', truth, { shown: 10, iouThreshold: 0.85, rejectClicks: 1 });
    expect(decisions).toMatchObject({ accepted: 1, rejected: 1, drawn: 1, drawnVertices: 5, clicks: 7 });
    expect(model.calls[0].maxProposals).toBe(10);
    const saved = await project.getAnnotations({ imageId: 'a.png' });
    expect(saved.status).toBe('done');
    expect(saved.instances.map((i) => [i.id, i.status, i.source])).toEqual([
      ['m1', 'accepted', 'model'],
      ['m2', 'rejected', 'model'],
      ['drawn-1', 'accepted', 'manual'],
    ]);

    const remaining = await proposeRemaining(project, ['b.png'], 100);
    expect(remaining[0].proposals).toHaveLength(2);
    expect(model.calls[1].maxProposals).toBe(100);
    const untouched = await project.getAnnotations({ imageId: 'b.png' });
    expect(untouched).toMatchObject({ status: 'unvisited', instances: [] });
  });
});

/** A LoopApi whose fine-tune emits the given events, optionally before fineTune() resolves. */
function fakeLearningApi(script: (emit: (progress: FineTuneProgress) => void) => void, versions: ModelVersion[], activeId: string): LoopApi {
  const listeners = new Set<(payload: FineTuneProgress) => void>();
  const emit = (progress: FineTuneProgress) => listeners.forEach((listener) => listener(progress));
  const api = {
    on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) {
      if (event !== 'onDidFineTune') return () => {};
      const typed = listener as unknown as (payload: FineTuneProgress) => void;
      listeners.add(typed);
      return () => listeners.delete(typed);
    },
    async fineTune() {
      script(emit);
      return { jobId: 'job-1' };
    },
    async listModelVersions() {
      return { versions, activeId };
    },
  };
  return api as unknown as LoopApi;
}

const progress = (phase: FineTuneProgress['phase'], extra: Partial<FineTuneProgress> = {}): FineTuneProgress => ({
  jobId: 'job-1',
  phase,
  step: 0,
  totalSteps: 16,
  loss: [],
  samplesPerSecond: null,
  etaSeconds: null,
  ...extra,
});

const version = (id: string, decision: string): ModelVersion => ({
  id,
  architecture: 'deepmask',
  architectureLabel: 'DeepMask',
  kind: 'finetuned',
  label: id,
  parentId: 'deepmask',
  createdAt: '2026-01-01T00:00:00Z',
  evaluation: { heldOutImages: 3, heldOutInstances: 7, ar10: 0.3, ar100: 0.4, baselineId: 'deepmask', baselineAr10: 0.2, baselineAr100: 0.35 },
  training: { positives: 20, negatives: 40, triplets: 512, steps: 16, seconds: 12.5, loss: [] },
  decision,
});

describe('fineTuneAndWait', () => {
  test('catches a final event sent before fineTune resolves and reads the adopted version', async () => {
    const api = fakeLearningApi((emit) => {
      emit(progress('training', { step: 8 }));
      emit(progress('finished', { step: 16, versionId: 'ft-1' }));
    }, [version('ft-1', 'AR@100 .40 vs .35: adopted')], 'ft-1');
    const outcome = await fineTuneAndWait(api, { steps: 16 }, 5000);
    expect(outcome).toMatchObject({ versionId: 'ft-1', adopted: true, triplets: 512, steps: 16, seconds: 12.5, heldOutAr10: 0.3, baselineHeldOutAr10: 0.2, decision: 'AR@100 .40 vs .35: adopted' });
  });

  test('a version made but not made active is reported as not adopted', async () => {
    const api = fakeLearningApi((emit) => setTimeout(() => emit(progress('finished', { versionId: 'ft-2' })), 20), [version('ft-2', 'kept the old one')], 'deepmask');
    expect(await fineTuneAndWait(api, {}, 5000)).toMatchObject({ versionId: 'ft-2', adopted: false, decision: 'kept the old one' });
  });

  test('a failed fine-tune reports its message; events of other jobs are ignored; silence times out', async () => {
    const failed = fakeLearningApi((emit) => {
      emit({ ...progress('finished', { versionId: 'other' }), jobId: 'job-0' });
      emit(progress('failed', { message: 'nothing to learn from' }));
    }, [], 'deepmask');
    expect(await fineTuneAndWait(failed, {}, 5000)).toMatchObject({ versionId: null, adopted: false, decision: 'nothing to learn from', triplets: null });
    const silent = fakeLearningApi(() => {}, [], 'deepmask');
    await expect(fineTuneAndWait(silent, {}, 100)).rejects.toThrow(/did not finish within/);
  });
});

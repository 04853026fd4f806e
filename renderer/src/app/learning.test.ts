// The learning controller against a fake API: what the model panel shows after loading, during a
// fine-tune (events), after it ends, and what the buttons send.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { ApiEventName, ApiEvents } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import type { FineTuneProgress, LearningState, ModelStatus, ModelVersion, VersionStats } from '../../../shared/api/types';
import { createEditorStore } from '../state/store';
import { createLearningController } from './learning';
import type { LearningApi } from './learning';

const bundled: ModelVersion = {
  id: 'deepmask',
  architecture: 'deepmask',
  architectureLabel: 'DeepMask',
  kind: 'bundled',
  label: 'DeepMask (bundled)',
  parentId: null,
  createdAt: null,
  evaluation: null,
  training: null,
  decision: null,
};
const fcn: ModelVersion = { ...bundled, id: 'instancefcn', architecture: 'instancefcn', label: 'InstanceFCN (bundled)' };
const tuned: ModelVersion = { ...bundled, id: 'ft-1', kind: 'finetuned', label: 'Fine-tune 1 of DeepMask', parentId: 'deepmask', createdAt: '2026-11-25T17:00:00Z' };
const status = (version: string): ModelStatus => ({ backend: 'wasm', backendNotes: [], modelVersion: version, lastLatencyMs: null, ready: true });

function fakeApi() {
  const listeners = new Map<ApiEventName, Set<(payload: unknown) => void>>();
  let learningState: LearningState = { settings: { autoFineTune: false, correctionsPerFineTune: 50 }, correctionsSinceFineTune: 3, running: null, activeVersionId: 'deepmask', fineTunable: ['deepmask'] };
  let stats: VersionStats[] = [{ versionId: 'deepmask', proposed: 90, acceptedAsIs: 4, edited: 2, meanEditIou: 0.8, rejected: 4 }];
  let versions = { versions: [bundled, fcn], activeId: 'deepmask' as string | null };
  const api = {
    listModelVersions: vi.fn(async () => versions),
    activateModelVersion: vi.fn(async ({ id }: { id: string }) => status(id)),
    fineTune: vi.fn(async (_params: { steps?: number }) => ({ jobId: 'job-1' })),
    getLearningState: vi.fn(async () => learningState),
    saveLearningSettings: vi.fn(async (patch: Partial<LearningState['settings']>) => ({ ...learningState.settings, ...patch })),
    getVersionStats: vi.fn(async () => stats),
    cancelJob: vi.fn(async () => ({ cancelled: true })),
    on: <E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
  const emit = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => listeners.get(event)?.forEach((listener) => listener(payload));
  return {
    api: api as unknown as LearningApi & typeof api,
    emit,
    setVersions: (next: typeof versions) => (versions = next),
    setStats: (next: VersionStats[]) => (stats = next),
    setLearningState: (next: LearningState) => (learningState = next),
  };
}

const progress = (overrides: Partial<FineTuneProgress>): FineTuneProgress => ({
  jobId: 'job-1',
  phase: 'training',
  step: 0,
  totalSteps: 20,
  loss: [],
  samplesPerSecond: null,
  etaSeconds: null,
  ...overrides,
});

function setup() {
  const store = createEditorStore();
  const fake = fakeApi();
  const flushed: number[] = [];
  const learning = createLearningController({ store, api: fake.api, flushEdits: async () => void flushed.push(Date.now()), statsDelayMs: 50 });
  const unsubscribe = learning.subscribe();
  const state = () => store.getState().learning;
  return { store, learning, state, flushed, unsubscribe, ...fake };
}

beforeEach(() => vi.useRealTimers());
afterEach(() => vi.useRealTimers());

describe('learning controller', () => {
  test('refresh mirrors versions, settings, corrections and statistics', async () => {
    const { learning, state } = setup();
    await learning.refresh();
    expect(state().versions.map((version) => version.id)).toEqual(['deepmask', 'instancefcn']);
    expect(state().activeId).toBe('deepmask');
    expect(state().settings).toEqual({ autoFineTune: false, correctionsPerFineTune: 50 });
    expect(state().correctionsSinceFineTune).toBe(3);
    expect(state().stats[0].acceptedAsIs).toBe(4);
    expect(state().unavailable).toBeNull();
  });

  test('a host without the learning API shows why instead of failing', async () => {
    const { learning, state, api, store } = setup();
    api.listModelVersions.mockRejectedValueOnce(new ApiError('MODEL_UNAVAILABLE', 'listModelVersions is not available yet'));
    await learning.refresh();
    expect(state().unavailable).toBe('listModelVersions is not available yet');
    expect(store.getState().sync.notice).toBeNull();
    await learning.refresh();
    expect(state().unavailable).toBeNull();
  });

  test('fine-tune: saves pending edits first, opens the panel, follows progress events, refreshes at the end', async () => {
    const { learning, state, api, emit, flushed, store, setVersions, setLearningState } = setup();
    await learning.refresh();
    expect(state().correctionsSinceFineTune).toBe(3);
    setLearningState({ settings: { autoFineTune: false, correctionsPerFineTune: 50 }, correctionsSinceFineTune: 0, running: null, activeVersionId: 'deepmask', fineTunable: ['deepmask'] });
    await learning.startFineTune({ steps: 20 });
    await vi.waitFor(() => expect(state().correctionsSinceFineTune).toBe(0)); // the host reset it on start
    expect(flushed).toHaveLength(1);
    expect(api.fineTune).toHaveBeenCalledWith({ steps: 20 });
    expect(store.getState().session.modelPanelOpen).toBe(true);
    expect(state().fineTune).toMatchObject({ jobId: 'job-1', phase: 'collecting', totalSteps: 20 });

    const curve = [
      { step: 5, maskLoss: 0.6, scoreLoss: 0.7 },
      { step: 10, maskLoss: 0.5, scoreLoss: 0.6 },
    ];
    emit('onDidFineTune', progress({ step: 10, loss: curve, samplesPerSecond: 12, etaSeconds: 4 }));
    expect(state().fineTune?.loss).toEqual(curve);
    expect(state().fineTune?.etaSeconds).toBe(4);

    // A second start while it runs asks nothing of the API.
    await learning.startFineTune();
    expect(api.fineTune).toHaveBeenCalledTimes(1);

    setVersions({ versions: [bundled, fcn, tuned], activeId: 'ft-1' });
    emit('onDidFineTune', progress({ phase: 'finished', step: 20, loss: curve, versionId: 'ft-1', message: 'AR@100 .31 vs .28: adopted' }));
    expect(store.getState().sync.notice?.text).toBe('Fine-tune finished: AR@100 .31 vs .28: adopted');
    await vi.waitFor(() => expect(state().versions.map((version) => version.id)).toContain('ft-1'));
    expect(state().activeId).toBe('ft-1');
    expect(state().fineTune?.phase).toBe('finished'); // the last curve stays on screen
    expect(state().fineTune?.loss).toEqual(curve);
  });

  test('a fine-tune refused by the host (already running) becomes a notice, not a stuck progress bar', async () => {
    const { learning, state, api, store } = setup();
    api.fineTune.mockRejectedValueOnce(new ApiError('CONFLICT', 'busy'));
    await learning.startFineTune();
    expect(state().fineTune).toBeNull();
    expect(store.getState().sync.notice).toMatchObject({ kind: 'error', text: 'Could not start fine-tuning: a fine-tune is already running' });
  });

  test('a run started elsewhere (automatic fine-tune) refreshes the corrections count', async () => {
    const { learning, state, emit, setLearningState } = setup();
    await learning.refresh();
    setLearningState({ settings: { autoFineTune: true, correctionsPerFineTune: 3 }, correctionsSinceFineTune: 0, running: null, activeVersionId: 'deepmask', fineTunable: ['deepmask'] });
    emit('onDidFineTune', progress({ jobId: 'auto-1', phase: 'collecting' }));
    await vi.waitFor(() => expect(state().correctionsSinceFineTune).toBe(0));
    expect(state().settings?.autoFineTune).toBe(true);
  });

  test('cancel sends the running job id; nothing when none runs', async () => {
    const { learning, api, emit } = setup();
    await learning.cancelFineTune();
    expect(api.cancelJob).not.toHaveBeenCalled();
    emit('onDidFineTune', progress({ jobId: 'job-7', step: 3 }));
    await learning.cancelFineTune();
    expect(api.cancelJob).toHaveBeenCalledWith({ jobId: 'job-7' });
  });

  test('activate (roll back / choose a network) updates the model status and the active marker', async () => {
    const { learning, state, api, store, setVersions } = setup();
    await learning.refresh();
    setVersions({ versions: [bundled, fcn], activeId: 'instancefcn' });
    await learning.activate('instancefcn');
    expect(api.activateModelVersion).toHaveBeenCalledWith({ id: 'instancefcn' });
    expect(store.getState().catalog.modelStatus?.modelVersion).toBe('instancefcn');
    expect(state().activeId).toBe('instancefcn');
    expect(state().activatingId).toBeNull();
    expect(store.getState().sync.notice?.text).toBe('Proposals now come from InstanceFCN (bundled)');
  });

  test('a failed activation keeps the previous version marked active', async () => {
    const { learning, state, api, store } = setup();
    await learning.refresh();
    api.activateModelVersion.mockRejectedValueOnce(new ApiError('MODEL_UNAVAILABLE', 'weights missing'));
    await learning.activate('instancefcn');
    expect(state().activeId).toBe('deepmask');
    expect(state().activatingId).toBeNull();
    expect(store.getState().sync.notice).toMatchObject({ kind: 'error', text: 'Could not switch the model: weights missing' });
  });

  test('a burst of saves refetches statistics once; version events update the list at once', async () => {
    const { learning, state, api, emit, setStats } = setup();
    await learning.refresh();
    api.getVersionStats.mockClear();
    setStats([{ versionId: 'deepmask', proposed: 80, acceptedAsIs: 10, edited: 3, meanEditIou: 0.7, rejected: 7 }]);
    for (let i = 0; i < 5; i++) learning.scheduleStatsRefresh();
    await vi.waitFor(() => expect(state().stats[0].acceptedAsIs).toBe(10));
    expect(api.getVersionStats).toHaveBeenCalledTimes(1);

    emit('onDidChangeModelVersions', { versions: [bundled, fcn, tuned], activeId: 'ft-1' });
    expect(state().versions).toHaveLength(3);
    expect(state().activeId).toBe('ft-1');
  });

  test('settings are saved through the API and mirrored', async () => {
    const { learning, state, api } = setup();
    await learning.refresh();
    await learning.saveSettings({ autoFineTune: true });
    expect(api.saveLearningSettings).toHaveBeenCalledWith({ autoFineTune: true });
    expect(state().settings).toEqual({ autoFineTune: true, correctionsPerFineTune: 50 });
  });

  test('a refresh that read the settings before a save does not undo the saved checkbox', async () => {
    const { learning, state, api } = setup();
    await learning.refresh();
    // The host answers the refresh's state read with the settings as they were before the click.
    let answerState: () => void = () => {};
    const before = await api.getLearningState();
    api.getLearningState.mockImplementationOnce(() => new Promise((resolve) => (answerState = () => resolve(before))));
    const refreshing = learning.refresh();
    await learning.saveSettings({ autoFineTune: true });
    answerState();
    await refreshing;
    expect(state().settings?.autoFineTune).toBe(true);
    // A refresh started after the save mirrors the host again.
    await learning.refresh();
    expect(state().settings?.autoFineTune).toBe(false);
  });
});

import { describe, expect, test, vi } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import type { Instance, ModelStatus } from '../../shared/api/types';
import type { ModelProvider } from '../services/model-provider';
import { ModelSupervisor } from './model-supervisor';
import type { CrashReport } from './model-supervisor';

const image = { path: '/photos/a.jpg', width: 100, height: 80 };

/** A provider whose worker can be "killed": in-flight calls reject, and onCrash fires. */
function fakeProvider(id: number, onCrash: (error: Error) => void, log: string[]) {
  const inFlight: Array<(error: Error) => void> = [];
  const provider: ModelProvider & { crash(): void } = {
    status: (): ModelStatus => ({ backend: 'wasm', backendNotes: [], modelVersion: `v${id}`, lastLatencyMs: null, ready: true }),
    propose: (_image, options) =>
      options.maxProposals === 0
        ? new Promise<Instance[]>((_resolve, reject) => inFlight.push(reject))
        : Promise.resolve([{ id: `p${id}` } as Instance]),
    segmentAt: async () => null,
    dispose: async () => {
      log.push(`disposed ${id}`);
    },
    crash() {
      const error = new Error('worker exited with code 134');
      for (const reject of inFlight.splice(0)) reject(error);
      onCrash(error);
    },
  };
  return provider;
}

function setup(maxCrashes = 3) {
  const log: string[] = [];
  const providers: ReturnType<typeof fakeProvider>[] = [];
  const crashes: CrashReport[] = [];
  const statuses: ModelStatus[] = [];
  let clock = 0;
  const supervisor = new ModelSupervisor({
    create: async (onCrash) => {
      const provider = fakeProvider(providers.length + 1, onCrash, log);
      providers.push(provider);
      return provider;
    },
    onCrash: (report) => crashes.push(report),
    onStatus: (status) => statuses.push(status),
    maxCrashes,
    now: () => (clock += 1000),
  });
  return { supervisor, providers, crashes, statuses, log };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ModelSupervisor', () => {
  test('delegates to the running provider', async () => {
    const { supervisor, statuses } = setup();
    await supervisor.start();
    expect(await supervisor.propose(image, { maxProposals: 5 })).toEqual([{ id: 'p1' }]);
    expect(supervisor.status()).toMatchObject({ backend: 'wasm', modelVersion: 'v1', ready: true });
    expect(statuses.at(-1)).toMatchObject({ ready: true });
  });

  test('a crash is reported, the dead worker disposed and a new one started', async () => {
    const { supervisor, providers, crashes, log } = setup();
    await supervisor.start();
    const inFlight = supervisor.propose(image, { maxProposals: 0 });
    await settle(); // the request has reached the worker
    providers[0].crash();
    await expect(inFlight).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringMatching(/crashed.*restarted/) });
    expect(crashes).toEqual([{ message: expect.stringMatching(/crashed \(worker exited with code 134\); restarting/), recentCrashes: 1, restarting: true }]);
    await settle();
    expect(log).toEqual(['disposed 1']);
    expect(providers).toHaveLength(2);
    expect(await supervisor.propose(image, { maxProposals: 5 })).toEqual([{ id: 'p2' }]);
    expect(supervisor.status().modelVersion).toBe('v2');
  });

  test('gives up after too many crashes in a row and says so', async () => {
    const { supervisor, providers, crashes } = setup(2);
    await supervisor.start();
    for (let round = 0; round < 3; round++) {
      providers.at(-1)!.crash();
      await settle();
    }
    expect(crashes.map((report) => report.restarting)).toEqual([true, true, false]);
    expect(providers).toHaveLength(3);
    expect(supervisor.status()).toMatchObject({ ready: false, backend: 'none' });
    expect(supervisor.status().backendNotes[0]).toMatch(/crashed 3 times/);
    await expect(supervisor.propose(image, { maxProposals: 5 })).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  test('a provider that fails to load leaves a clear status, not a hang', async () => {
    const supervisor = new ModelSupervisor({
      create: async () => {
        throw new Error('no tfjs backend could be initialised');
      },
      onCrash: () => undefined,
      onStatus: () => undefined,
    });
    await supervisor.start();
    expect(supervisor.status().backendNotes[0]).toMatch(/could not be loaded: no tfjs backend/);
    await expect(supervisor.propose(image, { maxProposals: 5 })).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  test('a request queued while the worker dies is refused, not sent to the dead worker', async () => {
    const { supervisor, providers } = setup();
    await supervisor.start();
    const queued = supervisor.propose(image, { maxProposals: 0 });
    providers[0].crash();
    await expect(queued).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  });

  test('after dispose, late crash reports of the old worker are ignored', async () => {
    const { supervisor, providers, crashes } = setup();
    await supervisor.start();
    await supervisor.dispose();
    providers[0].crash();
    await settle();
    expect(crashes).toEqual([]);
    expect(providers).toHaveLength(1);
  });

  test('a provider that restarts its own worker: each restart is reported and status changes are forwarded', async () => {
    let starts = 1;
    let status: ModelStatus = { backend: 'wasm', backendNotes: [], modelVersion: 'v1', lastLatencyMs: null, ready: true };
    const selfRestarting = {
      get workerStarts() {
        return starts;
      },
      status: () => status,
      propose: async () => [],
      segmentAt: async () => null,
      dispose: async () => undefined,
    };
    const crashes: CrashReport[] = [];
    const statuses: ModelStatus[] = [];
    const supervisor = new ModelSupervisor({
      create: async () => selfRestarting,
      onCrash: (report) => crashes.push(report),
      onStatus: (update) => statuses.push(update),
      watchIntervalMs: 5,
    });
    await supervisor.start();
    expect(statuses).toHaveLength(1);
    starts = 2;
    status = { ...status, ready: false, message: 'the model worker stopped (exit code 1) and was restarted' };
    await vi.waitFor(() => expect(crashes).toHaveLength(1));
    expect(crashes[0]).toMatchObject({ restarting: true, recentCrashes: 1, message: expect.stringMatching(/exit code 1/) });
    await vi.waitFor(() => expect(statuses.at(-1)).toMatchObject({ ready: false }));
    status = { ...status, ready: true };
    await vi.waitFor(() => expect(statuses.at(-1)).toMatchObject({ ready: true }));
    expect(crashes).toHaveLength(1);
    await supervisor.dispose();
  });
});

describe('ModelSupervisor.load (model versions)', () => {
  function switchable() {
    const loads: string[] = [];
    const crashers: Array<(error: Error) => void> = [];
    let created = 0;
    const supervisor = new ModelSupervisor({
      create: async (onCrash) => {
        created += 1;
        crashers.push(onCrash);
        let version = `bundled${created}`;
        const provider: ModelProvider = {
          status: () => ({ backend: 'wasm', backendNotes: [], modelVersion: version, lastLatencyMs: null, ready: true }),
          propose: async () => [],
          segmentAt: async () => null,
          load: async (dir) => {
            if (dir.includes('broken')) throw new ApiError('MODEL_UNAVAILABLE', `cannot load ${dir}`);
            loads.push(`${created}:${dir}`);
            version = dir;
            return provider.status();
          },
          dispose: async () => undefined,
        };
        return provider;
      },
      onCrash: () => undefined,
      onStatus: () => undefined,
      watchIntervalMs: 0,
    });
    return { supervisor, loads, crash: () => crashers.at(-1)?.(new Error('killed')) };
  }

  test('switches weights and a worker restarted after a crash comes back on them', async () => {
    const { supervisor, loads, crash } = switchable();
    await supervisor.start();
    expect((await supervisor.load('/project/.maskpilot/models/ft-2')).modelVersion).toBe('/project/.maskpilot/models/ft-2');
    crash();
    await settle();
    await supervisor.propose(image, { maxProposals: 1 });
    expect(loads).toEqual(['1:/project/.maskpilot/models/ft-2', '2:/project/.maskpilot/models/ft-2']);
    expect(supervisor.status().modelVersion).toBe('/project/.maskpilot/models/ft-2');
  });

  test('weights that fail to load leave the current ones and are not remembered', async () => {
    const { supervisor, loads, crash } = switchable();
    await supervisor.start();
    await expect(supervisor.load('/broken')).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    expect(supervisor.status().modelVersion).toBe('bundled1');
    crash();
    await settle();
    await supervisor.propose(image, { maxProposals: 1 });
    expect(loads).toEqual([]);
  });

  test('a provider that cannot switch refuses clearly', async () => {
    const { supervisor } = setup();
    await supervisor.start();
    await expect(supervisor.load('/x')).rejects.toThrow(/cannot switch/);
  });
});

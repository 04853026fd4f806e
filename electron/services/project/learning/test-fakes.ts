// Deterministic stand-ins for the model side, for this folder's tests (not used by the app): bundled
// weight folders that are just a heads.json, a Learner that writes such folders and scores them by
// a table, and a ModelProvider whose load() reads the folder's version.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAcceptedOrEdited } from '../../../../shared/api/instance-status';
import type { Instance, ModelStatus } from '../../../../shared/api/types';
import type { EvaluationReport, FineTuneReport, FineTuneRequest, Learner, LearnerProgress, LearningImage } from '../../learner';
import type { ModelProvider, ProviderImage } from '../../model-provider';
import type { BundledModel } from './bundled-models';

/** Writes a minimal weights folder whose heads.json names `modelVersion`. */
export async function writeFakeWeights(dir: string, modelVersion: string, architecture?: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'heads.bin'), Buffer.alloc(16));
  const meta = architecture ? { modelVersion, architecture } : { modelVersion };
  await writeFile(join(dir, 'heads.json'), JSON.stringify({ format: 'maskpilot-deepmask-heads/1', config: {}, meta, weights: [], byteLength: 16, sha256: '' }));
}

async function versionInDir(dir: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(dir, 'heads.json'), 'utf8')) as { meta: { modelVersion: string } };
  return manifest.meta.modelVersion;
}

/** Two bundled networks under `root`, as the host would describe them. */
export async function fakeBundledModels(root: string): Promise<BundledModel[]> {
  await writeFakeWeights(join(root, 'deepmask'), 'deepmask-test-v1');
  await writeFakeWeights(join(root, 'instancefcn'), 'instancefcn-test-v1', 'instancefcn');
  return [
    { id: 'deepmask-test-v1', architecture: 'deepmask', dir: join(root, 'deepmask'), label: 'DeepMask (bundled)', architectureLabel: 'DeepMask' },
    { id: 'instancefcn-test-v1', architecture: 'instancefcn', dir: join(root, 'instancefcn'), label: 'InstanceFCN (bundled)', architectureLabel: 'InstanceFCN' },
  ];
}

export class FakeLearner implements Learner {
  architectures?: Learner['architectures'];
  requests: FineTuneRequest[] = [];
  evaluations: Array<{ version: string; images: LearningImage[] }> = [];
  /** AR@100 by model version (candidates default to `candidateAr`). */
  ar: Record<string, number> = {};
  candidateAr = 0.5;
  steps = 4;
  /** When set, fineTune throws this after its first step. */
  failWith: string | null = null;
  /** When true, fineTune waits after its first step until aborted. */
  hang = false;

  async fineTune(request: FineTuneRequest, onProgress: (progress: LearnerProgress) => void, signal: AbortSignal): Promise<FineTuneReport> {
    this.requests.push(request);
    const steps = request.steps ?? this.steps;
    onProgress({ phase: 'features', done: request.images.length, total: request.images.length });
    await mkdir(request.outputDir, { recursive: true });
    await writeFile(join(request.outputDir, 'heads.bin'), Buffer.alloc(16)); // partial output, as a real run has mid-way
    const loss = [];
    for (let step = 1; step <= steps; step += 1) {
      const point = { step, maskLoss: 1 / step, scoreLoss: 0.5 / step };
      loss.push(point);
      onProgress({ phase: 'training', step, totalSteps: steps, loss: point, samplesPerSecond: 100, etaSeconds: steps - step });
      if (step === 1 && this.failWith) throw new Error(this.failWith);
      if (step === 1 && this.hang) {
        await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
        return { steps: step, seconds: 0.1, positives: 0, negatives: 0, triplets: 0, loss, cancelled: true };
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writeFakeWeights(request.outputDir, request.modelVersion);
    const positives = request.images.reduce((sum, image) => sum + image.annotations.instances.filter((instance) => instance.status !== 'rejected' && instance.status !== 'proposed').length, 0);
    const negatives = request.images.reduce((sum, image) => sum + image.annotations.instances.filter((instance) => instance.status === 'rejected').length, 0);
    return { steps, seconds: 0.25, positives, negatives, triplets: steps * 32, loss, cancelled: false };
  }

  /** AR@10 per version where it is not half the AR@100. */
  ar10: Record<string, number> = {};

  async evaluate(modelDir: string, images: LearningImage[]): Promise<EvaluationReport> {
    const version = await versionInDir(modelDir);
    this.evaluations.push({ version, images });
    const ar100 = this.ar[version] ?? (version.startsWith('ft-') ? this.candidateAr : 0.3);
    const instances = images.reduce((sum, image) => sum + image.annotations.instances.filter(isAcceptedOrEdited).length, 0);
    return { images: images.length, instances, ar10: this.ar10[version] ?? ar100 / 2, ar100 };
  }

  async dispose(): Promise<void> {}
}


/** A provider that "loads" a folder by reading its version; dirs listed in `broken` fail to load. */
export class FakeSwitchingProvider implements ModelProvider {
  version: string;
  loads: string[] = [];
  broken = new Set<string>();

  constructor(initialVersion: string) {
    this.version = initialVersion;
  }

  status(): ModelStatus {
    return { backend: 'fake', backendNotes: [], modelVersion: this.version, lastLatencyMs: null, ready: true };
  }

  async load(modelDir: string): Promise<ModelStatus> {
    const version = await versionInDir(modelDir);
    if (this.broken.has(version)) throw new Error(`heads.bin of ${version} is damaged`);
    this.loads.push(version);
    this.version = version;
    return this.status();
  }

  async propose(image: ProviderImage): Promise<Instance[]> {
    void image;
    return [];
  }

  async segmentAt(): Promise<Instance | null> {
    return null;
  }

  async dispose(): Promise<void> {}
}

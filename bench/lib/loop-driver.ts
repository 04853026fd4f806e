// The learning-loop bench's side of the product loop, spoken only through the API contract
// (MaskPilotApi plus its events), so it exercises what the desktop app and the host run:
//  - walkImage: propose, let the simulated annotator decide, save the decisions with status 'done';
//  - proposeRemaining: the active version's proposals on images never walked (nothing saved);
//  - fineTuneAndWait: start a fine-tune, follow onDidFineTune to its end, and read back from
//    listModelVersions what was made and whether the service adopted it.
import type { ApiEventName, ApiEvents, MaskPilotApi, Unsubscribe } from '../../shared/api/contract';
import type { FineTuneProgress, ImageId, Instance } from '../../shared/api/types';
import { annotateImage, type AnnotatorOptions, type ImageDecisions } from './annotator';
import type { FineTuneOutcome } from './block-report';
import type { TruthImage } from './pennfudan-truth';

/** The API plus event subscription: what openProject returns and what a client holds. */
export interface LoopApi extends MaskPilotApi {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
}

export interface WalkOptions extends AnnotatorOptions {
  /** Proposals the annotator is shown per image (best first). */
  shown: number;
}

/** One image of the walk: propose, decide, save as done. Returns what the annotator did. */
export async function walkImage(api: LoopApi, imageId: ImageId, truth: TruthImage, options: WalkOptions): Promise<ImageDecisions & { proposeMs: number }> {
  const { instances, latencyMs } = await api.propose({ imageId, maxProposals: options.shown });
  const decisions = annotateImage(instances, truth.objects, truth, options);
  await api.saveAnnotations({ imageId, instances: decisions.instances, status: 'done' });
  return { ...decisions, proposeMs: latencyMs };
}

/** The active version's proposals on each image (not saved), in the given order. */
export async function proposeRemaining(api: LoopApi, imageIds: ImageId[], maxProposals: number): Promise<{ imageId: ImageId; proposals: Instance[] }[]> {
  const out: { imageId: ImageId; proposals: Instance[] }[] = [];
  for (const imageId of imageIds) out.push({ imageId, proposals: (await api.propose({ imageId, maxProposals })).instances });
  return out;
}

const FINAL_PHASES: ReadonlySet<FineTuneProgress['phase']> = new Set(['finished', 'cancelled', 'failed']);

/**
 * Starts a fine-tune and waits for its last onDidFineTune event (finished, cancelled or failed).
 * Events are collected from before the call, so a fast job's events are not missed. Rejects after
 * timeoutMs without a final event.
 */
export async function fineTuneAndWait(api: LoopApi, params: { steps?: number }, timeoutMs: number): Promise<FineTuneOutcome & { final: FineTuneProgress }> {
  const seen: FineTuneProgress[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = api.on('onDidFineTune', (progress) => {
    seen.push(progress);
    wake?.();
  });
  const started = performance.now();
  try {
    const { jobId } = await api.fineTune(params);
    const deadline = started + timeoutMs;
    let final: FineTuneProgress | undefined;
    while (!(final = seen.find((progress) => progress.jobId === jobId && FINAL_PHASES.has(progress.phase)))) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`fine-tune ${jobId} did not finish within ${Math.round(timeoutMs / 1000)} s (last phase: ${seen.filter((p) => p.jobId === jobId).at(-1)?.phase ?? 'none'})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const { versions, activeId } = await api.listModelVersions({});
    const version = final.versionId ? versions.find((candidate) => candidate.id === final!.versionId) : undefined;
    return {
      final,
      versionId: final.versionId ?? null,
      wallSeconds,
      seconds: version?.training?.seconds ?? null,
      triplets: version?.training?.triplets ?? null,
      steps: version?.training?.steps ?? null,
      adopted: version !== undefined && activeId === version.id,
      decision: version?.decision ?? final.message ?? final.phase,
      heldOutAr10: version?.evaluation?.ar10 ?? null,
      baselineHeldOutAr10: version?.evaluation?.baselineAr10 ?? null,
    };
  } finally {
    unsubscribe();
  }
}

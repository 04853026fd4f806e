// The learning-loop bench's side of the product loop, spoken only through the API contract
// (MaskPilotApi plus its events), so it exercises what the desktop app and the host run:
//  - walkImage: propose, let the simulated annotator decide, save the decisions with status 'done';
//  - proposeRemaining: the active version's proposals on images never walked (nothing saved);
//  - fineTuneAndWait: start a fine-tune, follow onDidFineTune to its end, and read back from
//    listModelVersions what was made and whether the service adopted it.
import type { ApiEventName, ApiEvents, MaskPilotApi, Unsubscribe } from '../../shared/api/contract';
import type { FineTuneProgress, ImageId, Instance } from '../../shared/api/types';
import { fromCocoRle, rleIou } from '../../shared/geometry';
import { annotateImage, vertexCount, type AnnotatorOptions, type ImageDecisions } from './annotator';
import { clickSession } from './click-session';
import type { FineTuneOutcome } from './block-report';
import type { TruthImage } from './pennfudan-truth';

/** The API plus event subscription: what openProject returns and what a client holds. */
export interface LoopApi extends MaskPilotApi {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
}

export interface WalkOptions extends AnnotatorOptions {
  /** Proposals the annotator is shown per image (best first). */
  shown: number;
  /** Clicks the annotator spends on an object no proposal fits before drawing it (0: draws at once, as before issue #19). */
  maxClicks?: number;
  /**
   * Categories: each saved object costs one category key unless the category the app suggested for
   * it (Instance.suggestedCategoryId) is its own; `categoryOf` maps a dataset category to the
   * project's. Absent: categories are not assigned and cost nothing (the walk of issue #7).
   */
  categoryOf?: (datasetCategoryId: number) => number;
}

/**
 * One image of the walk: propose, decide on the proposals shown, segment each object no proposal
 * fits with clicks (up to maxClicks; drawn by hand when that fails), assign categories, save as done.
 * Returns what the annotator did and what it cost.
 */
export async function walkImage(api: LoopApi, imageId: ImageId, truth: TruthImage, options: WalkOptions): Promise<ImageDecisions & { proposeMs: number }> {
  const { instances, latencyMs } = await api.propose({ imageId, maxProposals: options.shown });
  const decisions = annotateImage(instances, truth.objects, truth, options);
  let clicked = 0;
  let sessionClicks = 0;
  let drawn = decisions.drawn;
  let drawnVertices = decisions.drawnVertices;
  const saved = [...decisions.instances];
  if ((options.maxClicks ?? 0) > 0) {
    for (const [g, object] of truth.objects.entries()) {
      const index = saved.findIndex((instance) => instance.id === drawnId(saved, g));
      if (index < 0) continue;
      const session = await clickSession(api, imageId, object.rle, options.maxClicks as number, options.iouThreshold);
      sessionClicks += session.clicks;
      if (!session.instance) continue;
      clicked += 1;
      drawn -= 1;
      drawnVertices -= vertexCount(object.polygons);
      saved[index] = { ...session.instance, id: saved[index].id, status: 'accepted', source: 'click' };
    }
  }
  let categoryKeys = 0;
  let categoryRight = 0;
  if (options.categoryOf) {
    // Which object each saved positive stands for: accepted proposals by their match, the rest by id.
    const objectOf = matchSavedToTruth(decisions.instances, saved, truth);
    saved.forEach((instance, index) => {
      const g = objectOf.get(index);
      if (g === undefined || instance.status !== 'accepted') return;
      const category = truth.objects[g].categoryId;
      if (category === undefined) return;
      const wanted = (options.categoryOf as (id: number) => number)(category);
      if (instance.suggestedCategoryId === wanted) categoryRight += 1;
      else categoryKeys += 1;
      saved[index] = { ...instance, categoryId: wanted };
    });
  }
  await api.saveAnnotations({ imageId, instances: saved, status: 'done' });
  const clicks = decisions.accepted + decisions.rejected * options.rejectClicks + drawnVertices + sessionClicks + categoryKeys;
  return { ...decisions, instances: saved, drawn, drawnVertices, clicked, sessionClicks, categoryKeys, categoryRight, clicks, proposeMs: latencyMs };
}

/** The id annotateImage gives the drawn stand-in of object g (drawn-g, suffixed with x on a clash). */
function drawnId(instances: readonly Instance[], g: number): string | null {
  const candidates = instances.filter((instance) => instance.source === 'manual' && new RegExp(`^drawn-${g}x*$`).test(instance.id));
  return candidates[0]?.id ?? null;
}

/** Saved index -> truth object: accepted proposals by best IoU among objects, drawn/clicked stand-ins by their id. */
function matchSavedToTruth(decided: readonly Instance[], saved: readonly Instance[], truth: TruthImage): Map<number, number> {
  const result = new Map<number, number>();
  const taken = new Set<number>();
  saved.forEach((instance, index) => {
    const drawn = /^drawn-(\d+)x*$/.exec(instance.id);
    if (drawn) {
      result.set(index, Number(drawn[1]));
      taken.add(Number(drawn[1]));
    }
  });
  decided.forEach((instance, index) => {
    if (instance.status !== 'accepted' || instance.source === 'manual' || truth.objects.length === 0) return;
    const ious = rleIou([fromCocoRle(instance.rle)], truth.objects.map((object) => object.rle), truth.objects.map(() => false))[0];
    let best = -1;
    ious.forEach((iou, g) => {
      if (!taken.has(g) && (best < 0 || iou > ious[best])) best = g;
    });
    if (best >= 0) {
      result.set(index, best);
      taken.add(best);
    }
  });
  return result;
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

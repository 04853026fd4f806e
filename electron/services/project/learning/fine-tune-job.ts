// One fine-tune, start to finish, as a background job: train a candidate from the active version on
// the project's training images, check it against the active version on the held-out images, and
// adopt it only if it does at least as well (AR@100). Progress goes out as onDidFineTune (with the
// whole loss curve so far) and onDidProgress. Cancelled or failed, the candidate's folder is removed;
// the active version and the annotations are never touched by a fine-tune that did not finish.
import type { FineTuneProgress, LossPoint, ModelArchitectureName, ModelVersion, VersionEvaluation } from '../../../../shared/api/types';
import type { EvaluationReport, Learner, LearnerProgress } from '../../learner';
import type { ApiEventHub } from '../events';
import type { JobControl } from '../jobs';
import type { ModelVersions } from './model-versions';
import type { TrainingSet } from './training-set';

/** A fine-tune is compared with the active version only on at least this many held-out annotated objects. */
export const MIN_HELD_OUT_OBJECTS = 20;

function formatDifference(value: number): string {
  return `${value >= 0 ? '+' : '-'}${formatAr(Math.abs(value))}`;
}

interface FineTunePlan {
  /** The version to start from and compare with (active when the fine-tune started). */
  base: { id: string; dir: string; architecture: ModelArchitectureName; architectureLabel: string };
  candidateId: string;
  candidateDir: string;
  set: TrainingSet;
  steps?: number;
  cacheDir: string;
}

export interface FineTuneOutcome {
  version: ModelVersion;
  adopted: boolean;
}

interface FineTuneDeps {
  learner: Learner;
  versions: ModelVersions;
  events: ApiEventHub;
  removeCandidate(id: string): Promise<void>;
  /** Called with every progress update (the state getLearningState reports). */
  onState(progress: FineTuneProgress): void;
}

/** ".312" style, as AR values are shown in the model card. */
export function formatAr(value: number): string {
  return value.toFixed(3).replace(/^0\./, '.');
}

export async function runFineTune(plan: FineTunePlan, job: JobControl, deps: FineTuneDeps): Promise<{ done: number; message: string }> {
  const loss: LossPoint[] = [];
  let progress: FineTuneProgress = {
    jobId: job.id,
    phase: 'collecting',
    step: 0,
    totalSteps: plan.steps ?? 0,
    loss: [],
    samplesPerSecond: null,
    etaSeconds: null,
    message: `${plan.set.training.length} training images, ${plan.set.heldOut.length} held out`,
  };
  /** `jobDone`/`jobTotal`: what onDidProgress shows when it is not the training steps (reading features). */
  const emit = (change: Partial<FineTuneProgress>, jobDone = -1, jobTotal = -1) => {
    progress = { ...progress, ...change, loss: [...loss] };
    deps.onState(progress);
    deps.events.emit('onDidFineTune', progress);
    if (progress.phase !== 'finished' && progress.phase !== 'cancelled' && progress.phase !== 'failed') {
      if (jobTotal >= 0) job.progress(jobDone, jobTotal, progress.message);
      else job.progress(progress.step, Math.max(progress.totalSteps, progress.step), progress.message);
    }
  };
  emit({});
  const onLearnerProgress = (update: LearnerProgress) => {
    if (update.phase === 'features') {
      emit({ phase: 'features', message: `reading features ${update.done}/${update.total}` }, update.done, update.total);
      return;
    }
    loss.push(update.loss);
    emit({
      phase: 'training',
      step: update.step,
      totalSteps: update.totalSteps,
      samplesPerSecond: update.samplesPerSecond,
      etaSeconds: update.etaSeconds,
      message: `step ${update.step}/${update.totalSteps}`,
    });
  };
  const cancelled = () => {
    emit({ phase: 'cancelled', message: 'cancelled; the active version is unchanged' });
    return { done: progress.step, message: 'cancelled' };
  };

  let outcome: FineTuneOutcome;

  try {
    const report = await deps.learner.fineTune(
      {
        baseModelDir: plan.base.dir,
        outputDir: plan.candidateDir,
        modelVersion: plan.candidateId,
        images: plan.set.training,
        ...(plan.steps === undefined ? {} : { steps: plan.steps }),
        seed: 1,
        cacheDir: plan.cacheDir,
      },
      onLearnerProgress,
      job.signal,
    );
    if (report.cancelled || job.signal.aborted) {
      await deps.removeCandidate(plan.candidateId);
      return cancelled();
    }
    if (report.loss.length > loss.length) loss.splice(0, loss.length, ...report.loss);
    emit({ phase: 'evaluating', step: report.steps, totalSteps: report.steps, etaSeconds: null, message: `checking on ${plan.set.heldOut.length} held-out images` });

    let evaluation: VersionEvaluation | null = null;
    let decision: string;
    let adopt: boolean;
    if (plan.set.heldOutInstances < MIN_HELD_OUT_OBJECTS) {
      // A comparison on a handful of objects decides by chance: keep the version, adopt nothing.
      adopt = false;
      decision = `not evaluated: the held-out images hold ${plan.set.heldOutInstances} annotated objects, the check needs ${MIN_HELD_OUT_OBJECTS}; kept, not adopted (${plan.base.id} stays active; activate it by hand to try it)`;
    } else {
      const candidate: EvaluationReport = await deps.learner.evaluate(plan.candidateDir, plan.set.heldOut, job.signal);
      const baseline: EvaluationReport = await deps.learner.evaluate(plan.base.dir, plan.set.heldOut, job.signal);
      if (job.signal.aborted) {
        await deps.removeCandidate(plan.candidateId);
        return cancelled();
      }
      evaluation = {
        heldOutImages: candidate.images,
        heldOutInstances: candidate.instances,
        ar10: candidate.ar10,
        ar100: candidate.ar100,
        baselineId: plan.base.id,
        baselineAr10: baseline.ar10,
        baselineAr100: baseline.ar100,
      };
      // Adopted only if neither the best ten nor the best hundred got worse on the held-out objects.
      adopt = candidate.ar100 >= baseline.ar100 && candidate.ar10 >= baseline.ar10;
      const comparison = `AR@10 ${formatAr(candidate.ar10)} vs ${formatAr(baseline.ar10)} (${formatDifference(candidate.ar10 - baseline.ar10)}), AR@100 ${formatAr(candidate.ar100)} vs ${formatAr(baseline.ar100)} (${formatDifference(candidate.ar100 - baseline.ar100)}) against ${plan.base.id} on ${candidate.images} held-out images, ${candidate.instances} objects`;
      decision = adopt ? `${comparison}: adopted` : `${comparison}: not adopted, ${plan.base.id} stays active`;
    }
    const number = plan.candidateId.replace(/^ft-/, '');
    const version: ModelVersion = {
      id: plan.candidateId,
      architecture: plan.base.architecture,
      architectureLabel: plan.base.architectureLabel,
      kind: 'finetuned',
      label: `Fine-tune ${number} of ${plan.base.architectureLabel}`,
      parentId: plan.base.id,
      createdAt: new Date().toISOString(),
      evaluation,
      training: {
        positives: report.positives,
        negatives: report.negatives,
        triplets: report.triplets,
        steps: report.steps,
        seconds: report.seconds,
        loss: [...loss],
      },
      decision,
    };
    // Last point of no return: a cancel after this keeps the finished version.
    if (job.signal.aborted) {
      await deps.removeCandidate(plan.candidateId);
      return cancelled();
    }
    await deps.versions.writeRecord(version);
    const comparison = decision.replace(/(; |: )adopted$/, '');
    outcome = await deps.versions.addFineTune(version, adopt, (reason) => `${comparison}: not adopted, its weights could not be loaded (${reason})`);
  } catch (error) {
    await deps.removeCandidate(plan.candidateId).catch(() => undefined);
    if (job.signal.aborted) return cancelled();
    const message = error instanceof Error ? error.message : String(error);
    emit({ phase: 'failed', message: `fine-tune failed: ${message}; the active version and the annotations are unchanged` });
    throw new Error(`fine-tune failed: ${message}`);
  }
  const message = `${outcome.version.id}: ${outcome.version.decision ?? ''}`;
  emit({ phase: 'finished', versionId: outcome.version.id, etaSeconds: 0, message });
  return { done: progress.step, message };
}

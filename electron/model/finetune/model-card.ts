// MODEL_CARD.md of a fine-tuned version: what it was made from (parent, data counts), how (steps,
// learning rate, time) and how the loss went. Written beside heads.json by finetune.ts.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LossPoint } from '../../../shared/api/types';
import type { CorrectionCounts } from './corrections';

interface FineTuneFacts {
  modelVersion: string;
  parentVersion: string;
  parentDir: string;
  counts: CorrectionCounts;
  usedPositives: number;
  usedHardNegatives: number;
  steps: number;
  learningRate: number;
  trainingSeconds: number;
  totalSeconds: number;
  loss: LossPoint[];
  /** Width of the heads' mask refiner (0: none); `refinerAdded` when this fine-tune added it. */
  refineHidden: number;
  refinerAdded: boolean;
}

export function fineTuneCard(facts: FineTuneFacts): string {
  const first = facts.loss[0];
  const last = facts.loss[facts.loss.length - 1];
  const loss = (point: LossPoint | undefined): string => (point ? `mask ${point.maskLoss.toFixed(4)}, score ${point.scoreLoss.toFixed(4)} (step ${point.step})` : 'n/a');
  return [
    `# ${facts.modelVersion}`,
    '',
    `DeepMask heads fine-tuned from **${facts.parentVersion}** (${facts.parentDir}) on an annotator's corrections; the trunk is unchanged.`,
    '',
    facts.refineHidden > 0
      ? `Mask refiner: ${facts.refineHidden} wide, on the trunk's stride-8 and stride-4 features (${facts.refinerAdded ? 'added by this fine-tune, starting as the identity' : `inherited from ${facts.parentVersion}`}); it refines the best proposals and clicks.`
      : 'No mask refiner: masks come from the stride-16 mask branch alone.',
    '',
    '## Data',
    '',
    `- images used: ${facts.counts.images} (${facts.counts.completeImages} marked complete: background negatives drawn from them)`,
    `- positives (accepted or edited objects): ${facts.counts.positives}, ${facts.usedPositives} within the trainable scale range`,
    `- hard negatives (rejected proposals): ${facts.counts.hardNegatives} kept, ${facts.usedHardNegatives} drawable; ${facts.counts.droppedRejected} dropped because an annotated object is near them`,
    '',
    '## Training',
    '',
    `- steps: ${facts.steps} (batch 32, branches alternating), Adam learning rate ${facts.learningRate}`,
    `- time: ${facts.trainingSeconds.toFixed(1)} s of training, ${facts.totalSeconds.toFixed(1)} s in all (features included)`,
    `- loss first: ${loss(first)}`,
    `- loss last: ${loss(last)}`,
    '',
  ].join('\n');
}

export async function writeFineTuneCard(dir: string, facts: FineTuneFacts): Promise<void> {
  await writeFile(join(dir, 'MODEL_CARD.md'), fineTuneCard(facts));
}

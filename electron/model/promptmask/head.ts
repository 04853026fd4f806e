// The prompt-mask head for inference: its weights loaded from a folder (heads-io format), and one
// call that runs a batch of ROIs of one view with their prompts and reads the results back.
import * as tf from '@tensorflow/tfjs-core';
import { loadHeadsFiles } from '../heads-io';
import { applyPromptMask, promptMaskParameterNames, promptMaskShapes, resolvePromptMaskConfig, PROMPT_CHANNELS, PROMPT_MASK_SIZE, type PromptMaskConfig } from './network';
import { promptMaps, type PromptInput } from './prompts';
import { roiFeatures, type Roi } from './roi';
import type { ViewMaps } from './detector-view';

export interface PromptMaskPrediction {
  /** 56 x 56 mask logits over the ROI, row-major. */
  logits: Float32Array;
  /** The head's estimate of the mask's IoU with the object, in [0, 1]. */
  iou: number;
}

export interface PromptMaskHead {
  readonly config: PromptMaskConfig;
  readonly meta: Record<string, unknown>;
  /** The head's fixed input normalisation of the stride-16 and stride-8 features (per channel). */
  readonly normalisation: { mean16: Float32Array; inverseStd16: Float32Array; mean8: Float32Array; inverseStd8: Float32Array };
  /** Runs `entries` (ROIs of one view, with prompts) in batches of at most `batch`. */
  predict(maps: ViewMaps, entries: ReadonlyArray<{ roi: Roi; prompt: PromptInput }>, batch?: number): PromptMaskPrediction[];
  dispose(): void;
}

export const PROMPT_MASK_BATCH = 32;

export async function loadPromptMaskHead(dir: string): Promise<PromptMaskHead> {
  const { config, tensors, manifest } = await loadHeadsFiles(dir, resolvePromptMaskConfig, promptMaskShapes, promptMaskParameterNames);
  return createPromptMaskHead(config, tensors, manifest.meta ?? {});
}

/** Takes ownership of `tensors`. */
export function createPromptMaskHead(config: PromptMaskConfig, tensors: Map<string, tf.Tensor>, meta: Record<string, unknown>): PromptMaskHead {
  let disposed = false;
  const parameter = (name: string): tf.Tensor => {
    const tensor = tensors.get(name);
    if (!tensor) throw new Error(`prompt-mask head has no parameter ${name}`);
    return tensor;
  };
  const read = (name: string): Float32Array => parameter(name).dataSync() as Float32Array;
  const normalisation = { mean16: read('norm16/mean'), inverseStd16: read('norm16/inverseStd'), mean8: read('norm8/mean'), inverseStd8: read('norm8/inverseStd') };
  return {
    config,
    meta,
    normalisation,
    predict(maps, entries, batch = PROMPT_MASK_BATCH) {
      if (disposed) throw new Error('the prompt-mask head is disposed');
      const size = PROMPT_MASK_SIZE;
      const cells = size * size;
      const results: PromptMaskPrediction[] = [];
      for (let start = 0; start < entries.length; start += batch) {
        const chunk = entries.slice(start, start + batch);
        const [logits, ious] = tf.tidy(() => {
          const features = roiFeatures(maps, chunk.map((entry) => entry.roi));
          const prompts = tf.tensor4d(promptMaps(chunk), [chunk.length, size, size, PROMPT_CHANNELS]);
          const output = applyPromptMask(parameter, config, { ...features, prompts });
          return [output.logits, tf.sigmoid(output.iouLogits)];
        });
        const logitValues = logits.dataSync() as Float32Array;
        const iouValues = ious.dataSync() as Float32Array;
        tf.dispose([logits, ious]);
        chunk.forEach((_, index) => results.push({ logits: logitValues.slice(index * cells, (index + 1) * cells), iou: iouValues[index] }));
      }
      return results;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const tensor of tensors.values()) tensor.dispose();
    },
  };
}

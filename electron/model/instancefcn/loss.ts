// InstanceFCN's training objective (seed slides: sum_i ( L(p_i, p_i*) + sum_j L(S_ij, S_ij*) )):
// per sampled window i, the logistic loss of its objectness logit p_i against its label, plus, for
// positive windows only, the logistic loss of its assembled mask logits S_ij against the object's
// mask. Both branches are trained jointly (no alternation), as in the paper.
//
// Weighting. The slide's mask term is a SUM over the window's pixels, so per window it outweighs the
// objectness term by the pixel count. We average it over the h_o x w_o pixels (DeepMask's
// 1 / (w_o h_o)) and weight the objectness term by lambda = 1/32, DeepMask's (the paper's "~DeepMask"
// comparison is under controlled settings). The first bundled model used lambda = 1: the objectness
// gradient then dominated the shared 1x1 and context layers the maps read from, objectness logits
// saturated and the maps stayed blurry (mean window IoU 0.30 against DeepMask's 0.72 on the same windows).
import * as tf from '@tensorflow/tfjs-core';
import { stableSoftplus } from '../training/loss';

/** lambda: DeepMask's 1/32 (see the header). */
export const OBJECTNESS_LOSS_WEIGHT = 1 / 32;

export interface InstanceFcnLossInputs {
  /** Assembled mask logits [B, h_o, w_o]. */
  maskLogits: tf.Tensor3D;
  /** Mask targets in {-1, +1} [B, h_o, w_o]; rows of negative windows are ignored. */
  maskTargets: tf.Tensor3D;
  /** Objectness logits [B]. */
  objectness: tf.Tensor1D;
  /** Window labels in {-1, +1} [B]. */
  labels: tf.Tensor1D;
  /** Weight of the objectness term (lambda). Default OBJECTNESS_LOSS_WEIGHT. */
  objectnessWeight?: number;
}

/** Sums over the batch (not averaged): objectness term, mask term and their total. */
export function instanceFcnLoss({ maskLogits, maskTargets, objectness, labels, objectnessWeight = OBJECTNESS_LOSS_WEIGHT }: InstanceFcnLossInputs): { objectness: tf.Scalar; mask: tf.Scalar; total: tf.Scalar } {
  if (maskLogits.shape.join() !== maskTargets.shape.join()) throw new Error(`instanceFcnLoss: mask logits [${maskLogits.shape}] and targets [${maskTargets.shape}] differ`);
  const batch = maskLogits.shape[0];
  if (objectness.shape[0] !== batch || labels.shape[0] !== batch) throw new Error(`instanceFcnLoss: batch sizes differ (masks ${batch}, objectness ${objectness.shape[0]}, labels ${labels.shape[0]})`);
  return tf.tidy(() => {
    const [, height, width] = maskLogits.shape;
    const objectnessTerm = tf.mul(objectnessWeight, tf.sum(stableSoftplus(tf.neg(tf.mul(labels, objectness))))) as tf.Scalar;
    const perWindow = tf.div(tf.sum(stableSoftplus(tf.neg(tf.mul(maskTargets, maskLogits))), [1, 2]), height * width);
    const positive = tf.div(tf.add(labels, 1), 2);
    const maskTerm = tf.sum(tf.mul(positive, perWindow)) as tf.Scalar;
    return { objectness: objectnessTerm, mask: maskTerm, total: tf.add(objectnessTerm, maskTerm) as tf.Scalar };
  });
}

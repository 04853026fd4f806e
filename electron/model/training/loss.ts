// DeepMask's training objective, exactly as in the seed (Pinheiro et al. 2015):
//
//   L = sum_k [ (1 + y_k) / (2 w_o h_o) * sum_ij log(1 + exp(-m_k^ij f_k^ij))  +  lambda * log(1 + exp(-y_k s_k)) ]
//
// with y_k in {-1, +1} the window's objectness label, m_k^ij in {-1, +1} its mask target, f_k the
// mask logits (h_o x w_o), s_k the score logit, lambda = 1/32. The factor (1 + y_k) / 2 is 1 for
// positives and 0 for negatives: negatives contribute no mask loss. log(1 + exp(-z)) is evaluated as
// softplus(-z) = max(-z, 0) + log1p(exp(-|z|)), which never overflows.
import * as tf from '@tensorflow/tfjs-core';

/** Weight of the score term (the seed's lambda). */
export const SCORE_LOSS_WEIGHT = 1 / 32;

/** Numerically stable log(1 + exp(x)), element-wise. */
export function stableSoftplus(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))));
}

interface LossInputs {
  /** f: mask logits, [B, h_o, w_o]. */
  maskLogits: tf.Tensor3D;
  /** m: mask targets in {-1, +1}, [B, h_o, w_o]; rows of negatives are ignored (any values). */
  maskTargets: tf.Tensor3D;
  /** s: score logits, [B]. */
  scoreLogits: tf.Tensor1D;
  /** y: objectness labels in {-1, +1}, [B]. */
  labels: tf.Tensor1D;
}

/** Scalars: the two terms of L (summed over the batch, not averaged) and their sum. */
interface LossTerms {
  mask: tf.Scalar;
  score: tf.Scalar;
  total: tf.Scalar;
}

/** The mask term: sum_k (1 + y_k) / (2 w_o h_o) * sum_ij softplus(-m_k^ij f_k^ij). */
export function maskLoss(maskLogits: tf.Tensor3D, maskTargets: tf.Tensor3D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const [, height, width] = maskLogits.shape;
    const perWindow = tf.sum(stableSoftplus(tf.neg(tf.mul(maskTargets, maskLogits))), [1, 2]);
    const weights = tf.div(tf.add(labels, 1), 2 * width * height);
    return tf.sum(tf.mul(weights, perWindow)) as tf.Scalar;
  });
}

/** The score term: lambda * sum_k softplus(-y_k s_k). */
export function scoreLoss(scoreLogits: tf.Tensor1D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mul(SCORE_LOSS_WEIGHT, tf.sum(stableSoftplus(tf.neg(tf.mul(labels, scoreLogits))))) as tf.Scalar);
}

export function deepMaskLoss(inputs: LossInputs): LossTerms {
  const { maskLogits, maskTargets, scoreLogits, labels } = inputs;
  if (maskLogits.shape.join() !== maskTargets.shape.join()) {
    throw new Error(`deepMaskLoss: mask logits ${maskLogits.shape} and targets ${maskTargets.shape} differ in shape`);
  }
  const batch = maskLogits.shape[0];
  if (scoreLogits.shape[0] !== batch || labels.shape[0] !== batch) {
    throw new Error(`deepMaskLoss: batch sizes differ (masks ${batch}, scores ${scoreLogits.shape[0]}, labels ${labels.shape[0]})`);
  }
  const mask = maskLoss(maskLogits, maskTargets, labels);
  const score = scoreLoss(scoreLogits, labels);
  return { mask, score, total: tf.add(mask, score) as tf.Scalar };
}

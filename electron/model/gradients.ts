// tfjs-core's gradient functions are not part of its Node bundle (dist/tf-core.node.js); the
// @tensorflow/tfjs umbrella normally registers them, and it is not installed. They live in the
// per-file ESM build (dist/register_all_gradients.js), which Node cannot load as is, so module hooks
// (tfjs-core-esm-hooks.mjs) fix up its bundler-style imports. That build is a second copy of the core
// code, but the engine and the kernel/gradient registries are process globals, so the gradients it
// registers serve the tf used everywhere else. Costs about 2 s once; only training needs it.
import { register } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

let pending: Promise<void> | null = null;

/** Makes tf.grad / tf.variableGrads / optimizers work. Idempotent. */
export function registerGradients(): Promise<void> {
  pending ??= (async () => {
    register('./tfjs-core-esm-hooks.mjs', import.meta.url);
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
    if (!tf.getGradient('Sum')) throw new Error('tfjs gradients did not register (Sum has no gradient)');
  })();
  return pending;
}

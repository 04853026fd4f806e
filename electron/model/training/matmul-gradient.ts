// A faster gradient for matMul on the wasm backend. tfjs's own BatchMatMul gradient multiplies with a
// transposed operand (matMul(dy, b, false, true) and matMul(a, dy, true, false)); wasm's kernel is
// several times slower on those paths than on a plain product (DESIGN.md: ~10x; measured here 2-10x),
// and the heads are matMuls end to end. This gradient materialises the transpose (a cheap copy) and
// multiplies plainly. Registered by the trainer after tfjs's gradients, replacing theirs; the result
// is the same product, so only speed changes.
import * as tf from '@tensorflow/tfjs-core';

/** Swaps the last two axes (rank >= 2). */
function transposeLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, axis) => axis);
  const last = perm.length - 1;
  [perm[last - 1], perm[last]] = [perm[last], perm[last - 1]];
  return tf.transpose(x, perm);
}

const plain = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => tf.matMul(x, y);

let registered = false;

export function registerFastMatMulGradient(): void {
  if (registered) return;
  registered = true;
  // tfjs warns when a gradient is overridden; that is the intent here, so silence that one message.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes("gradient for 'BatchMatMul'")) return;
    warn(...args);
  };
  try {
    tf.registerGradient({
      kernelName: tf.BatchMatMul,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, saved, attrs) => {
        const [a, b] = saved;
        const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
        const g = dy as tf.Tensor;
        if (!transposeA && !transposeB) return { a: () => plain(g, transposeLast(b)), b: () => plain(transposeLast(a), g) };
        if (!transposeA && transposeB) return { a: () => plain(g, b), b: () => plain(transposeLast(g), a) };
        if (transposeA && !transposeB) return { a: () => plain(b, transposeLast(g)), b: () => plain(a, g) };
        return { a: () => plain(transposeLast(b), transposeLast(g)), b: () => plain(transposeLast(g), transposeLast(a)) };
      },
    });
  } finally {
    console.warn = warn;
  }
}

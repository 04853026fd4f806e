// Adam (Kingma & Ba 2015) over named tfjs variables, with its whole state exposed as plain arrays.
// tfjs's own AdamOptimizer keys its moments by position in the gradient list (so two alternating
// variable lists would mix up their moments) and recomputes beta^t on restore with pow instead of
// the running product it uses during training; a checkpoint would then not resume bit for bit.
// Here each variable has its own step count and moments, keyed by name, and the bias corrections
// are computed from the integer step count the same way every time.
import * as tf from '@tensorflow/tfjs-core';

interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Serialisable state of one variable's moments. */
export interface AdamSlot {
  step: number;
  firstMoment: Float32Array;
  secondMoment: Float32Array;
}

interface LiveSlot {
  step: number;
  firstMoment: tf.Variable;
  secondMoment: tf.Variable;
}

export class Adam {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  learningRate: number;
  private readonly slots = new Map<string, LiveSlot>();

  constructor(options: AdamOptions) {
    this.learningRate = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    if (!(this.learningRate > 0)) throw new Error(`Adam: learningRate must be positive, got ${this.learningRate}`);
  }

  /** One update of `variables` (keyed by parameter name) with `gradients` (same keys). */
  apply(variables: Record<string, tf.Variable>, gradients: Record<string, tf.Tensor>): void {
    for (const [name, variable] of Object.entries(variables)) {
      const gradient = gradients[name];
      if (!gradient) throw new Error(`Adam: no gradient for ${name}`);
      const slot = this.slot(name, variable);
      slot.step++;
      const correction1 = 1 - this.beta1 ** slot.step;
      const correction2 = 1 - this.beta2 ** slot.step;
      tf.tidy(() => {
        const m = tf.add(tf.mul(slot.firstMoment, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const v = tf.add(tf.mul(slot.secondMoment, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        slot.firstMoment.assign(m);
        slot.secondMoment.assign(v);
        const update = tf.div(tf.mul(m, this.learningRate / correction1), tf.add(tf.sqrt(tf.div(v, correction2)), this.epsilon));
        variable.assign(tf.sub(variable, update));
      });
    }
  }

  async getState(): Promise<Record<string, AdamSlot>> {
    const state: Record<string, AdamSlot> = {};
    for (const [name, slot] of this.slots) {
      state[name] = {
        step: slot.step,
        firstMoment: (await slot.firstMoment.data()) as Float32Array,
        secondMoment: (await slot.secondMoment.data()) as Float32Array,
      };
    }
    return state;
  }

  /** Restores moments saved by getState(); `shapes` gives each variable's shape. */
  setState(state: Record<string, AdamSlot>, shapes: Record<string, number[]>): void {
    this.dispose();
    for (const [name, saved] of Object.entries(state)) {
      const shape = shapes[name];
      if (!shape) throw new Error(`Adam: saved state for unknown variable ${name}`);
      this.slots.set(name, {
        step: saved.step,
        firstMoment: tf.tidy(() => tf.variable(tf.tensor(saved.firstMoment, shape), false)),
        secondMoment: tf.tidy(() => tf.variable(tf.tensor(saved.secondMoment, shape), false)),
      });
    }
  }

  dispose(): void {
    for (const slot of this.slots.values()) {
      slot.firstMoment.dispose();
      slot.secondMoment.dispose();
    }
    this.slots.clear();
  }

  private slot(name: string, variable: tf.Variable): LiveSlot {
    let slot = this.slots.get(name);
    if (!slot) {
      slot = {
        step: 0,
        firstMoment: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
        secondMoment: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
      };
      this.slots.set(name, slot);
    }
    return slot;
  }
}

// Category suggestions from the project's own labels (issue #19). Every instance is described by
// (1) an appearance embedding (the trunk's features averaged under its mask, unit length) and
// (2) the COCO detector's class evidence over its mask (80 values in [0, 1]).
// Each project category c is scored by
//   score_c = evidenceWeight * log(0.02 + e_c) + appearanceWeight * a_c + countWeight * log(1 + n_c)
// where
//   e_c  the detector's evidence for c's COCO class when c's name is one (cocoClassIndex), else the
//        mean cosine between the instance's evidence and that of c's labelled instances (0 without any);
//   a_c  the mean cosine of the instance's embedding with its APPEARANCE_NEIGHBOURS most similar
//        labelled instances of c (0 without any);
//   n_c  how many instances the user labelled c (categories used often are likelier).
// Labels are added one at a time (no training step); suggestions are the categories by score, with a
// softmax as confidence. The weights were chosen on coco128 (bench/category-suggestions.ts --set
// coco128) and are reported on held-out cocotrain images.
import { cocoClassIndex, COCO_CLASSES } from './coco-classes';

/** What describes one instance (see GuidedModel.describe). */
export interface InstanceDescription {
  /** Unit-length appearance embedding. */
  embedding: Float32Array;
  /** The detector's 80 class scores in [0, 1]. */
  classEvidence: Float32Array;
}

export interface Suggestion {
  categoryId: number;
  /** In (0, 1]; the suggestions of one instance sum to 1. */
  confidence: number;
}

export interface SuggesterWeights {
  evidenceWeight: number;
  appearanceWeight: number;
  countWeight: number;
}

export const DEFAULT_SUGGESTER_WEIGHTS: SuggesterWeights = { evidenceWeight: 2, appearanceWeight: 2, countWeight: 0 };
const APPEARANCE_NEIGHBOURS = 3;
const EVIDENCE_FLOOR = 0.02;

interface Example {
  embedding: Float32Array;
  evidence: Float32Array;
}

export class CategorySuggester {
  private readonly examples = new Map<number, Example[]>();
  private readonly cocoIndex = new Map<number, number>();

  constructor(
    categories: ReadonlyArray<{ id: number; name: string }>,
    private readonly weights: SuggesterWeights = DEFAULT_SUGGESTER_WEIGHTS,
  ) {
    for (const category of categories) this.setCategory(category.id, category.name);
  }

  /** Adds or renames a category. */
  setCategory(id: number, name: string): void {
    this.cocoIndex.set(id, cocoClassIndex(name));
  }

  removeCategory(id: number): void {
    this.cocoIndex.delete(id);
    this.examples.delete(id);
  }

  /** One labelled instance. */
  add(categoryId: number, description: InstanceDescription): void {
    if (!this.cocoIndex.has(categoryId)) this.cocoIndex.set(categoryId, -1);
    const list = this.examples.get(categoryId) ?? [];
    list.push({ embedding: description.embedding, evidence: unit(description.classEvidence) });
    this.examples.set(categoryId, list);
  }

  /** Whether there is any category to suggest. */
  hasCategories(): boolean {
    return this.cocoIndex.size > 0;
  }

  exampleCount(categoryId: number): number {
    return this.examples.get(categoryId)?.length ?? 0;
  }

  /** The project's categories ranked for an instance, best first. */
  suggest(description: InstanceDescription): Suggestion[] {
    if (description.classEvidence.length !== COCO_CLASSES.length) throw new Error(`class evidence has ${description.classEvidence.length} values, expected ${COCO_CLASSES.length}`);
    const { evidenceWeight, appearanceWeight, countWeight } = this.weights;
    const evidence = unit(description.classEvidence);
    const scored: Array<{ categoryId: number; score: number }> = [];
    for (const [categoryId, coco] of this.cocoIndex) {
      const examples = this.examples.get(categoryId) ?? [];
      const e = coco >= 0 ? description.classEvidence[coco] : examples.length ? mean(examples.map((example) => Math.max(0, dot(evidence, example.evidence)))) : 0;
      const similarities = examples.map((example) => dot(description.embedding, example.embedding)).sort((a, b) => b - a);
      const a = similarities.length ? mean(similarities.slice(0, APPEARANCE_NEIGHBOURS)) : 0;
      scored.push({ categoryId, score: evidenceWeight * Math.log(EVIDENCE_FLOOR + e) + appearanceWeight * a + countWeight * Math.log(1 + examples.length) });
    }
    if (scored.length === 0) return [];
    const top = Math.max(...scored.map((entry) => entry.score));
    const exponentials = scored.map((entry) => Math.exp(entry.score - top));
    const total = exponentials.reduce((sum, value) => sum + value, 0);
    return scored.map((entry, index) => ({ categoryId: entry.categoryId, confidence: exponentials[index] / total })).sort((a, b) => b.confidence - a.confidence);
  }
}

function unit(values: Float32Array): Float32Array {
  let norm = 0;
  for (const value of values) norm += value * value;
  norm = Math.sqrt(norm);
  return norm > 0 ? values.map((value) => value / norm) : values;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

// Category suggestions learnt from the user's own labels (issue #19). Every saved instance that has a
// category (accepted or edited) becomes an example: the model describes it (ModelProvider.describe:
// appearance under its mask and the detector's class evidence) and the project's CategorySuggester
// (shared/categories/suggester.ts) learns it. Proposals and click results then carry the category the
// suggester ranks first (Instance.suggestedCategoryId, with its confidence), so accepting one with the
// right category is one key. Examples are kept in .maskpilot/category-examples.json (written
// atomically, coalesced, never awaited by a save); a damaged file is kept aside and learning restarts.
// Without a model that can describe (DeepMask, InstanceFCN) nothing is suggested.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiError } from '../../../../shared/api/errors';
import type { Category, ImageId, Instance } from '../../../../shared/api/types';
import { CategorySuggester, type InstanceDescription } from '../../../../shared/categories/suggester';
import { writeFileAtomic } from '../../atomic-write';
import type { ModelProvider, ProviderImage } from '../../model-provider';
import { corruptFileError, keepCorruptFileAside, parseSidecarJson, ShapeError } from '../sidecar-store';
import { isPlainObject } from '../validate';

const FORMAT_VERSION = 1;
/** Proposals described per call: the ones a user looks at first (the app shows ten at a time). */
const SUGGESTED_PROPOSALS = 30;

interface StoredExample {
  imageId: ImageId;
  instanceId: string;
  categoryId: number;
  embedding: number[];
  evidence: number[];
}

export class CategorySuggestions {
  private suggester: CategorySuggester;
  private examples: StoredExample[] = [];
  private readonly known = new Set<string>();
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private learning: Promise<void> = Promise.resolve();

  private constructor(
    private readonly directory: string,
    private readonly model: ModelProvider | undefined,
    categories: readonly Category[],
  ) {
    this.suggester = new CategorySuggester(categories);
  }

  get path(): string {
    return join(this.directory, 'category-examples.json');
  }

  /** Opens the project's examples; a damaged file is kept aside (the warning says so) and learning starts over. */
  static async open(directory: string, model: ModelProvider | undefined, categories: readonly Category[]): Promise<{ suggestions: CategorySuggestions; warning: ApiError | null }> {
    const suggestions = new CategorySuggestions(directory, model, categories);
    let text: string;
    try {
      text = await readFile(suggestions.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { suggestions, warning: null };
      return { suggestions, warning: corruptFileError(suggestions.path, `unreadable: ${(error as Error).message}`, null) };
    }
    try {
      for (const example of parseExamples(text)) suggestions.remember(example);
      return { suggestions, warning: null };
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      const keptAs = await keepCorruptFileAside(suggestions.path);
      return { suggestions, warning: corruptFileError(suggestions.path, `${error.message}; category suggestions start over`, keptAs) };
    }
  }

  /** The categories changed (created, renamed, deleted). */
  setCategories(categories: readonly Category[]): void {
    const ids = new Set(categories.map((category) => category.id));
    for (const category of categories) this.suggester.setCategory(category.id, category.name);
    const dropped = this.examples.filter((example) => !ids.has(example.categoryId));
    if (dropped.length === 0) return;
    // A deleted category's examples go; the suggester is rebuilt from the rest.
    this.examples = this.examples.filter((example) => ids.has(example.categoryId));
    this.suggester = new CategorySuggester(categories);
    this.known.clear();
    const kept = this.examples;
    this.examples = [];
    for (const example of kept) this.remember(example);
    this.scheduleWrite();
  }

  /**
   * Learns the labelled instances of a saved image that are not examples yet (in the background: the
   * returned promise settles when they are learnt, and never rejects).
   */
  learnFrom(image: ProviderImage & { imageId: ImageId }, instances: readonly Instance[]): Promise<void> {
    const fresh = instances.filter((instance) => instance.categoryId !== null && (instance.status === 'accepted' || instance.status === 'edited') && !this.known.has(keyOf(image.imageId, instance.id, instance.categoryId)));
    if (fresh.length === 0 || !this.model?.describe) return this.learning;
    const describe = this.model.describe.bind(this.model);
    this.learning = this.learning
      .then(async () => {
        const descriptions = await describe(image, fresh.map((instance) => instance.rle));
        if (!descriptions) return;
        fresh.forEach((instance, index) => {
          const description = descriptions[index];
          this.remember({ imageId: image.imageId, instanceId: instance.id, categoryId: instance.categoryId as number, embedding: [...description.embedding], evidence: [...description.classEvidence] });
        });
        this.scheduleWrite();
      })
      .catch(() => undefined);
    return this.learning;
  }

  /** The instances with the suggested category of the first `limit` (by score) set; the others unchanged. */
  async suggest(image: ProviderImage, instances: Instance[], limit = SUGGESTED_PROPOSALS): Promise<Instance[]> {
    if (!this.model?.describe || instances.length === 0 || !this.suggester.hasCategories()) return instances;
    const order = instances.map((_, index) => index).sort((a, b) => (instances[b].score ?? 0) - (instances[a].score ?? 0)).slice(0, limit);
    let descriptions: InstanceDescription[] | null;
    try {
      descriptions = await this.model.describe(image, order.map((index) => instances[index].rle));
    } catch {
      return instances;
    }
    if (!descriptions) return instances;
    const result = [...instances];
    order.forEach((index, k) => {
      const [best] = this.suggester.suggest(descriptions![k]);
      if (best) result[index] = { ...result[index], suggestedCategoryId: best.categoryId, suggestionConfidence: Math.round(best.confidence * 1000) / 1000 };
    });
    return result;
  }

  /** Labelled examples learnt so far. */
  get exampleCount(): number {
    return this.examples.length;
  }

  /** Resolves once pending learning and the last write are done. */
  async flush(): Promise<void> {
    await this.learning;
    await this.writing.catch(() => undefined);
  }

  private remember(example: StoredExample): void {
    this.known.add(keyOf(example.imageId, example.instanceId, example.categoryId));
    this.examples.push(example);
    this.suggester.add(example.categoryId, { embedding: Float32Array.from(example.embedding), classEvidence: Float32Array.from(example.evidence) });
  }

  private scheduleWrite(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        this.dirty = false;
        const round = (values: number[]) => values.map((value) => Math.round(value * 1e4) / 1e4);
        const examples = this.examples.map((example) => ({ ...example, embedding: round(example.embedding), evidence: round(example.evidence) }));
        await writeFileAtomic(this.path, `${JSON.stringify({ version: FORMAT_VERSION, examples })}\n`);
      });
  }
}

function keyOf(imageId: ImageId, instanceId: string, categoryId: number | null): string {
  return `${imageId}\u0000${instanceId}\u0000${categoryId}`;
}

function parseExamples(text: string): StoredExample[] {
  const file = parseSidecarJson(text, FORMAT_VERSION);
  if (!Array.isArray(file.examples)) throw new ShapeError('examples is not a list');
  return file.examples.map((raw, index) => {
    const where = `examples[${index}]`;
    if (!isPlainObject(raw)) throw new ShapeError(`${where} is not an object`);
    const { imageId, instanceId, categoryId, embedding, evidence } = raw;
    if (typeof imageId !== 'string' || typeof instanceId !== 'string' || typeof categoryId !== 'number' || !Number.isInteger(categoryId)) throw new ShapeError(`${where} lacks its image, instance or category`);
    const numbers = (value: unknown): value is number[] => Array.isArray(value) && value.every((entry) => typeof entry === 'number' && Number.isFinite(entry));
    if (!numbers(embedding) || !numbers(evidence)) throw new ShapeError(`${where} has no numeric description`);
    return { imageId, instanceId, categoryId, embedding, evidence };
  });
}

// Per-project categories, kept in project.json. Ids are never reused. Deleting a category first
// stops new saves from using it, then unassigns it image by image, and only then drops it from
// project.json: a crash midway leaves the category in place with some instances unassigned,
// never instances pointing at a category that no longer exists.
import { ApiError } from '../../../shared/api/errors';
import type { Category } from '../../../shared/api/types';
import { paletteColor } from '../../../shared/coco/colors';
import type { ApiEventHub } from './events';
import type { KeyedLock } from './keyed-lock';
import type { ProjectFile, SidecarStore } from './sidecar-store';
import type { Fields } from './validate';
import { invalid, optionalInteger, optionalString, requiredString } from './validate';

const PROJECT_LOCK = '\0project';

export class Categories {
  private readonly deleting = new Set<number>();

  constructor(
    private project: ProjectFile,
    private readonly store: SidecarStore,
    private readonly events: ApiEventHub,
    private readonly lock: KeyedLock,
    /** Sets categoryId to null wherever `categoryId` is used; returns the number of instances changed. */
    private readonly unassignEverywhere: (categoryId: number) => Promise<number>,
  ) {}

  list(): Category[] {
    return this.project.categories.map((category) => ({ ...category }));
  }

  /** Ids that instances may reference (a category being deleted no longer counts). */
  usableIds(): ReadonlySet<number> {
    return new Set(this.project.categories.map((category) => category.id).filter((id) => !this.deleting.has(id)));
  }

  save(fields: Fields): Promise<Category> {
    const id = optionalInteger(fields, 'id', 'id', 1, Number.MAX_SAFE_INTEGER);
    const name = requiredString(fields, 'name', 'name', 100).trim();
    if (name.length === 0) throw invalid('name', 'must not be blank');
    const color = optionalString(fields, 'color', 'color', 7);
    if (color !== undefined && !/^#[0-9a-fA-F]{6}$/.test(color)) throw invalid('color', "must be a CSS colour '#rrggbb'");
    return this.lock.run(PROJECT_LOCK, async () => {
      const categories = this.list();
      const clash = categories.find((category) => category.name.toLowerCase() === name.toLowerCase() && category.id !== id);
      if (clash) throw invalid('name', `a category named '${clash.name}' already exists`);
      let saved: Category;
      let nextCategoryId = this.project.nextCategoryId;
      if (id !== undefined) {
        const index = categories.findIndex((category) => category.id === id);
        if (index < 0 || this.deleting.has(id)) throw new ApiError('NOT_FOUND', `No category with id ${id}.`, { id });
        saved = { id, name, color: color ?? categories[index].color };
        categories[index] = saved;
      } else {
        // Without a colour: the palette colour of the position it takes (the renderer's, shared/coco/colors.ts).
        saved = { id: nextCategoryId, name, color: color ?? paletteColor(categories.length) };
        categories.push(saved);
        nextCategoryId += 1;
      }
      await this.commit({ ...this.project, categories, nextCategoryId });
      return { ...saved };
    });
  }

  /**
   * Finds categories by name (case-insensitive), creating the missing ones in one project.json
   * write; one created without a colour gets the palette colour of its position among the
   * project's categories (distinct from the others'). Returns name (lower-cased) -> category id for
   * every name asked for.
   */
  ensureNamed(wanted: readonly { name: string; color?: string }[]): Promise<Map<string, number>> {
    return this.lock.run(PROJECT_LOCK, async () => {
      const categories = this.list();
      const ids = new Map(categories.filter((category) => !this.deleting.has(category.id)).map((category) => [category.name.toLowerCase(), category.id]));
      let nextCategoryId = this.project.nextCategoryId;
      for (const { name, color } of wanted) {
        const key = name.toLowerCase();
        if (ids.has(key)) continue;
        categories.push({ id: nextCategoryId, name, color: color ?? paletteColor(categories.length) });
        ids.set(key, nextCategoryId);
        nextCategoryId += 1;
      }
      if (nextCategoryId !== this.project.nextCategoryId) await this.commit({ ...this.project, categories, nextCategoryId });
      return ids;
    });
  }

  async delete(fields: Fields): Promise<{ unassignedInstances: number }> {
    const id = optionalInteger(fields, 'id', 'id', 1, Number.MAX_SAFE_INTEGER);
    if (id === undefined) throw invalid('id', 'is required');
    if (!this.project.categories.some((category) => category.id === id) || this.deleting.has(id)) {
      throw new ApiError('NOT_FOUND', `No category with id ${id}.`, { id });
    }
    this.deleting.add(id);
    try {
      const unassignedInstances = await this.unassignEverywhere(id);
      await this.lock.run(PROJECT_LOCK, () =>
        this.commit({ ...this.project, categories: this.project.categories.filter((category) => category.id !== id) }),
      );
      return { unassignedInstances };
    } finally {
      this.deleting.delete(id);
    }
  }

  private async commit(project: ProjectFile): Promise<void> {
    try {
      await this.store.writeProject(project);
    } catch (error) {
      throw new ApiError('IO_ERROR', `Could not save project.json: ${(error as Error).message}`, {});
    }
    this.project = project;
    this.events.emit('onDidChangeCategories', { categories: this.list() });
  }
}

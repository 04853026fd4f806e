// The project's model versions: the bundled networks plus its fine-tunes, and which one proposes.
// Activating a version loads its weights into the provider first and only then records the choice
// (versions.json) and tells every client (onDidChangeModelVersions, onDidChangeModel). Reopening a
// project loads the version it had active; if that fails the bundled one stays and a warning says so.
import { ApiError } from '../../../../shared/api/errors';
import type { ModelStatus, ModelVersion } from '../../../../shared/api/types';
import type { ModelProvider } from '../../model-provider';
import type { ApiEventHub } from '../events';
import { bundledVersion, type BundledModel } from './bundled-models';
import type { VersionStore } from './version-store';

interface ModelVersionsOptions {
  store: VersionStore;
  bundled: readonly BundledModel[];
  provider: ModelProvider | undefined;
  events: ApiEventHub;
  /** The version active when the project has none stored (default: the provider's, else the first bundled). */
  defaultId?: string;
}

export class ModelVersions {
  private fineTunes: ModelVersion[] = [];
  private active: string | null = null;
  /** Activations run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly options: ModelVersionsOptions) {}

  /** Reads the stored versions and brings the provider onto the active one; returns problems found. */
  static async open(options: ModelVersionsOptions): Promise<{ versions: ModelVersions; warnings: ApiError[] }> {
    const versions = new ModelVersions(options);
    const warnings: ApiError[] = [];
    const { file, warning } = await options.store.read();
    if (warning) warnings.push(warning);
    versions.fineTunes = file.versions;
    await options.store.removeIncomplete(file.versions).catch(() => []);
    const provider = options.provider;
    const fallback = versions.defaultId();
    let wanted = file.activeId ?? fallback;
    if (wanted !== null && !versions.find(wanted)) {
      warnings.push(new ApiError('NOT_FOUND', `The project's active model version '${wanted}' no longer exists; using ${fallback ?? 'no model'}.`, { id: wanted }));
      wanted = fallback;
    }
    versions.active = wanted;
    if (provider?.load && wanted !== null && provider.status().modelVersion !== wanted) {
      try {
        await provider.load(versions.dirOf(wanted));
      } catch (error) {
        const kept = provider.status().modelVersion;
        warnings.push(
          new ApiError('MODEL_UNAVAILABLE', `Model version '${wanted}' could not be loaded (${(error as Error).message}); ${kept ?? 'no model'} is in use instead.`, { id: wanted }),
        );
        versions.active = kept !== null && versions.find(kept) ? kept : fallback;
      }
    }
    return { versions, warnings };
  }

  /** Bundled versions first, then fine-tunes oldest first. */
  list(): { versions: ModelVersion[]; activeId: string | null } {
    return { versions: [...this.options.bundled.map(bundledVersion), ...this.fineTunes.map((version) => structuredClone(version))], activeId: this.active };
  }

  get activeId(): string | null {
    return this.active;
  }

  find(id: string): ModelVersion | undefined {
    return this.list().versions.find((version) => version.id === id);
  }

  /** The weights folder of a version (NOT_FOUND for unknown ids). */
  dirOf(id: string): string {
    const bundled = this.options.bundled.find((model) => model.id === id);
    if (bundled) return bundled.dir;
    if (this.fineTunes.some((version) => version.id === id)) return this.options.store.versionDir(id);
    throw new ApiError('NOT_FOUND', `No model version '${id}' in this project.`, { id });
  }

  /** Where a fine-tune's weights go (the folder need not exist yet). */
  fineTuneDir(id: string): string {
    return this.options.store.versionDir(id);
  }

  /** Removes an unlisted fine-tune's folder (a cancelled or failed candidate). */
  async removeFineTuneFolder(id: string): Promise<void> {
    if (this.fineTunes.some((version) => version.id === id)) throw new ApiError('INTERNAL', `refusing to remove listed version '${id}'`, { id });
    await this.options.store.removeFolder(id);
  }

  /** Claims a fresh fine-tune id (no other process on this project can take it); release it when done. */
  claimFineTuneId(): Promise<string> {
    return this.options.store.claimNextId(this.fineTunes);
  }

  releaseFineTuneId(id: string): Promise<void> {
    return this.options.store.releaseClaim(id);
  }

  /** Loads a version into the provider, then records it as active. */
  activate(id: string): Promise<ModelStatus> {
    const dir = this.dirOf(id);
    const provider = this.options.provider;
    if (!provider) throw new ApiError('MODEL_UNAVAILABLE', 'No proposal model runs in this session, so no version can be activated.', { id });
    if (!provider.load) throw new ApiError('MODEL_UNAVAILABLE', 'This session’s model cannot switch versions.', { id });
    const load = provider.load.bind(provider);
    return this.serialized(async () => {
      let status: ModelStatus;
      try {
        status = await load(dir);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new ApiError('MODEL_UNAVAILABLE', `Model version '${id}' could not be loaded: ${message}. The previous version is still in use.`, { id });
      }
      await this.persist(this.fineTunes, id);
      this.options.events.emit('onDidChangeModel', status);
      return status;
    });
  }

  /** Writes a fine-tune's own record into its folder (before it is listed). */
  async writeRecord(version: ModelVersion): Promise<void> {
    await this.options.store.writeRecord(version);
  }

  /**
   * Lists a finished fine-tune (its folder holds its weights and record). With `adopt` it becomes
   * active, loaded into the provider when there is one. If loading fails it is listed inactive with
   * the decision `notLoaded(reason)` gives. Returns the record as listed and whether it is active.
   */
  addFineTune(version: ModelVersion, adopt: boolean, notLoaded: (reason: string) => string): Promise<{ version: ModelVersion; adopted: boolean }> {
    return this.serialized(async () => {
      const provider = this.options.provider;
      let status: ModelStatus | null = null;
      let listed = version;
      // Without a provider (the CLI) the choice is only recorded; the next session loads it.
      if (adopt && provider) {
        try {
          if (!provider.load) throw new Error('the model in this session cannot switch versions');
          status = await provider.load(this.options.store.versionDir(version.id));
        } catch (error) {
          listed = { ...version, decision: notLoaded(error instanceof Error ? error.message : String(error)) };
          await this.options.store.writeRecord(listed);
          adopt = false;
        }
      }
      await this.persist([...this.fineTunes, listed], adopt ? version.id : this.active);
      if (status) this.options.events.emit('onDidChangeModel', status);
      return { version: listed, adopted: adopt };
    });
  }

  private defaultId(): string | null {
    const { defaultId, provider, bundled } = this.options;
    if (defaultId !== undefined && this.find(defaultId)) return defaultId;
    const current = provider?.status().modelVersion ?? null;
    if (current !== null && (this.find(current) || bundled.length === 0)) return current;
    return bundled[0]?.id ?? current;
  }

  private async persist(fineTunes: ModelVersion[], activeId: string | null): Promise<void> {
    try {
      await this.options.store.write({ versions: fineTunes, activeId });
    } catch (error) {
      throw new ApiError('IO_ERROR', `Could not save the model versions list: ${(error as Error).message}`, {});
    }
    this.fineTunes = fineTunes;
    this.active = activeId;
    this.options.events.emit('onDidChangeModelVersions', this.list());
  }

  private serialized<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

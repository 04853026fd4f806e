// The one open folder of the desktop app. Opening another folder opens it completely before the
// current one is closed, so a folder that fails to open (missing, unreadable, damaged project file)
// leaves the user's current work open and untouched. Events of the open project are forwarded to
// the window; those of a closed project never are. No electron import: unit-tested everywhere.
import { API_EVENT_NAMES } from '../../shared/api/contract';
import type { ApiEventName, ApiEvents, MaskPilotApi, Unsubscribe } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import type { ImageId } from '../../shared/api/types';

/** What the session needs of a project service (ProjectService satisfies it). */
export interface SessionProject extends MaskPilotApi {
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): Unsubscribe;
  resolveImageFile(imageId: ImageId): Promise<string>;
  close(): Promise<void>;
}

type ProjectOpener = (folder: string) => Promise<SessionProject>;
type EventForwarder = <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => void;

interface OpenProject {
  folder: string;
  service: SessionProject;
  unsubscribe: Unsubscribe[];
}

export class ProjectSession {
  private current: OpenProject | null = null;
  /** The latest open() in flight; api() waits for it so calls never hit a half-swapped session. */
  private pending: Promise<unknown> = Promise.resolve();
  /** Increases by one each time another folder becomes current. */
  private sessionCount = 0;

  constructor(
    private readonly openFolder: ProjectOpener,
    private readonly forward: EventForwarder,
  ) {}

  /** Absolute path of the open folder, or null. */
  get folder(): string | null {
    return this.current?.folder ?? null;
  }

  /** Number of the current folder's session (see app-request.ts appPageUrl). */
  get session(): number {
    return this.sessionCount;
  }

  /**
   * Opens `folder` and makes it current; the previous project is closed only after that succeeded.
   * Rejects (and keeps the previous project) when the folder cannot be opened.
   */
  open(folder: string): Promise<SessionProject> {
    const run = this.pending.then(async () => {
      // Re-opening the open folder keeps its service: two services must never write one folder.
      if (this.current?.folder === folder) return this.current.service;
      const service = await this.openFolder(folder);
      const previous = this.current;
      const unsubscribe = API_EVENT_NAMES.map((event) => service.on(event, (payload) => this.forward(event, payload)));
      this.current = { folder, service, unsubscribe };
      this.sessionCount += 1;
      if (previous) await this.dispose(previous);
      return service;
    });
    this.pending = run.catch(() => undefined);
    return run;
  }

  /**
   * The open project's API; NOT_FOUND while no folder is open. With `pageSession` (the session of
   * the page calling), a page of an earlier folder is refused (DISCONNECTED) instead of reaching
   * the new folder: its pending saves must never land in another folder's images of the same name.
   */
  async api(pageSession?: number | null): Promise<SessionProject> {
    await this.pending;
    if (!this.current) throw new ApiError('NOT_FOUND', 'No folder is open. Use File > Open Folder…');
    if (pageSession !== undefined && pageSession !== this.sessionCount) {
      throw new ApiError('DISCONNECTED', 'Another folder was opened; this page is being reloaded for it.', {
        pageSession,
        session: this.sessionCount,
      });
    }
    return this.current.service;
  }

  /** Closes the open project (waits for its pending writes). */
  async close(): Promise<void> {
    await this.pending;
    const previous = this.current;
    this.current = null;
    if (previous) await this.dispose(previous);
  }

  private async dispose(project: OpenProject): Promise<void> {
    for (const stop of project.unsubscribe) stop();
    await project.service.close();
  }
}

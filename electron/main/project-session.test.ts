import { describe, expect, test } from 'vitest';
import type { ApiEventName, ApiEvents } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { ProjectSession } from './project-session';
import type { SessionProject } from './project-session';

type Listener = (payload: unknown) => void;

/** A project whose name is its folder, that can emit events and records being closed. */
function fakeProject(folder: string, log: string[]) {
  const listeners = new Map<string, Set<Listener>>();
  const project = {
    getProject: async () => ({ name: folder, imageCount: 0, categories: [] }),
    on: (event: ApiEventName, listener: Listener) => {
      const set = listeners.get(event) ?? new Set<Listener>();
      listeners.set(event, set.add(listener));
      return () => set.delete(listener);
    },
    resolveImageFile: async (imageId: string) => `${folder}/${imageId}`,
    close: async () => {
      log.push(`closed ${folder}`);
    },
    emit: <E extends ApiEventName>(event: E, payload: ApiEvents[E]) => {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
  };
  return project as unknown as SessionProject & { emit: typeof project.emit };
}

function setup() {
  const log: string[] = [];
  const projects = new Map<string, ReturnType<typeof fakeProject>>();
  const forwarded: unknown[] = [];
  const opened: string[] = [];
  const session = new ProjectSession(
    async (folder) => {
      opened.push(folder);
      if (folder.includes('missing')) throw new ApiError('NOT_FOUND', `Cannot open ${folder}`);
      const project = fakeProject(folder, log);
      projects.set(folder, project);
      return project;
    },
    (event, payload) => forwarded.push([event, payload]),
  );
  return { session, log, projects, forwarded, opened };
}

describe('ProjectSession', () => {
  test('api() before any folder is open is NOT_FOUND', async () => {
    await expect(setup().session.api()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('opening another folder swaps the API and closes the old project after', async () => {
    const { session, log } = setup();
    await session.open('/photos/a');
    expect(await (await session.api()).getProject({})).toMatchObject({ name: '/photos/a' });
    await session.open('/photos/b');
    expect(await (await session.api()).getProject({})).toMatchObject({ name: '/photos/b' });
    expect(session.folder).toBe('/photos/b');
    expect(log).toEqual(['closed /photos/a']);
  });

  test('a folder that fails to open keeps the current one open', async () => {
    const { session, log } = setup();
    await session.open('/photos/a');
    await expect(session.open('/photos/missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(session.folder).toBe('/photos/a');
    expect(await (await session.api()).getProject({})).toMatchObject({ name: '/photos/a' });
    expect(log).toEqual([]);
  });

  test('calls made while a folder is opening go to the new folder', async () => {
    const { session } = setup();
    await session.open('/photos/a');
    const opening = session.open('/photos/b');
    const during = session.api();
    await opening;
    expect(await (await during).getProject({})).toMatchObject({ name: '/photos/b' });
  });

  test('events of the open project are forwarded; those of a closed one are not', async () => {
    const { session, projects, forwarded } = setup();
    await session.open('/photos/a');
    const first = projects.get('/photos/a')!;
    first.emit('onDidChangeAnnotations', { imageId: 'x.jpg', revision: 1 });
    await session.open('/photos/b');
    first.emit('onDidChangeAnnotations', { imageId: 'x.jpg', revision: 2 });
    projects.get('/photos/b')!.emit('onDidProgress', { jobId: 'j', kind: 'propose', done: 1, total: 2, state: 'running' });
    expect(forwarded).toEqual([
      ['onDidChangeAnnotations', { imageId: 'x.jpg', revision: 1 }],
      ['onDidProgress', { jobId: 'j', kind: 'propose', done: 1, total: 2, state: 'running' }],
    ]);
  });

  test('close() closes the project and later calls are refused', async () => {
    const { session, log } = setup();
    await session.open('/photos/a');
    await session.close();
    expect(log).toEqual(['closed /photos/a']);
    await expect(session.api()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  test('re-opening the open folder keeps its service instead of opening it twice', async () => {
    const { session, log, opened } = setup();
    const first = await session.open('/photos/a');
    const again = await session.open('/photos/a');
    expect(again).toBe(first);
    expect(opened).toEqual(['/photos/a']);
    expect(log).toEqual([]);
  });

  test('a page of the previous folder is refused once another folder is open', async () => {
    const { session } = setup();
    await session.open('/photos/a');
    const pageOfA = session.session;
    await expect(session.api(pageOfA)).resolves.toBeDefined();
    await session.open('/photos/b');
    await expect(session.api(pageOfA)).rejects.toMatchObject({ code: 'DISCONNECTED' });
    await expect(session.api(null)).rejects.toMatchObject({ code: 'DISCONNECTED' });
    expect(await (await session.api(session.session)).getProject({})).toMatchObject({ name: '/photos/b' });
    await session.open('/photos/missing').catch(() => undefined);
    await expect(session.api(session.session)).resolves.toBeDefined(); // a failed open changes nothing
  });
});

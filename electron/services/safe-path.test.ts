import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { isInside, resolveInsideFolder } from './safe-path';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'maskpilot-safe-path-'));
  root = join(base, 'project');
  await mkdir(join(root, 'street'), { recursive: true });
  await writeFile(join(root, 'street', 'a.jpg'), 'inside');
  await writeFile(join(root, 'top.png'), 'inside');
  await writeFile(join(base, 'secret.txt'), 'outside');
  await mkdir(join(base, 'project-evil'));
  await writeFile(join(base, 'project-evil', 'x.jpg'), 'sibling with a shared prefix');
  await symlink(join(base, 'secret.txt'), join(root, 'escape.jpg'));
  await symlink(join(base, 'project-evil'), join(root, 'evil-dir'));
  await symlink(join(root, 'street', 'a.jpg'), join(root, 'alias.jpg'));
  await symlink(join(root, 'missing.jpg'), join(root, 'broken.jpg'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

async function refusal(path: string): Promise<ApiError> {
  const error = await resolveInsideFolder(root, path).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error, `expected '${path}' to be refused`).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('resolveInsideFolder', () => {
  test('resolves files inside the folder to their real absolute path', async () => {
    expect(await resolveInsideFolder(root, 'street/a.jpg')).toMatch(/project\/street\/a\.jpg$/);
    expect(await resolveInsideFolder(root, 'top.png')).toMatch(/project\/top\.png$/);
  });

  test('a symlink that stays inside the folder is followed', async () => {
    expect(await resolveInsideFolder(root, 'alias.jpg')).toMatch(/project\/street\/a\.jpg$/);
  });

  test.each([
    ['..', 'parent'],
    ['../secret.txt', 'leading ..'],
    ['street/../../secret.txt', '.. in the middle'],
    ['street/./a.jpg', 'dot segment'],
    ['/etc/passwd', 'absolute POSIX path'],
    ['street//a.jpg', 'empty segment'],
    ['..\\secret.txt', 'Windows separator'],
    ['street\\..\\..\\secret.txt', 'Windows traversal'],
    ['C:\\Windows\\win.ini', 'Windows absolute path'],
    ['C:/Windows/win.ini', 'drive letter with slashes'],
    ['top.png\0.jpg', 'NUL byte'],
    ['', 'empty path'],
  ])('refuses %j (%s) as FORBIDDEN', async (path) => {
    expect((await refusal(path)).code).toBe('FORBIDDEN');
  });

  test('a symlink to a file outside the folder is refused', async () => {
    expect((await refusal('escape.jpg')).code).toBe('FORBIDDEN');
  });

  test('a symlinked directory outside the folder is refused even when its name shares the prefix', async () => {
    expect((await refusal('evil-dir/x.jpg')).code).toBe('FORBIDDEN');
  });

  test('missing files and broken symlinks are NOT_FOUND', async () => {
    expect((await refusal('nope.jpg')).code).toBe('NOT_FOUND');
    expect((await refusal('broken.jpg')).code).toBe('NOT_FOUND');
    expect((await refusal('top.png/child')).code).toBe('NOT_FOUND');
  });
});

describe('isInside', () => {
  test('compares whole path segments, not string prefixes', () => {
    expect(isInside('/a/project', '/a/project/x.jpg')).toBe(true);
    expect(isInside('/a/project', '/a/project')).toBe(true);
    expect(isInside('/a/project', '/a/project-evil/x.jpg')).toBe(false);
    expect(isInside('/', '/anything')).toBe(true);
  });
});

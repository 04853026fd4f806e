import { mkdtemp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { workingFolderFor } from './sample-folder';

async function bundle(): Promise<{ bundled: string; home: string; other: string }> {
  const root = await mkdtemp(join(tmpdir(), 'maskpilot-sample-'));
  const bundled = join(root, 'resources', 'sample-photos');
  await mkdir(join(bundled, '.maskpilot'), { recursive: true });
  await writeFile(join(bundled, 'a.jpg'), 'jpeg bytes');
  await writeFile(join(bundled, '.maskpilot', 'project.json'), '{}');
  const other = join(root, 'my-photos');
  await mkdir(other);
  return { bundled, home: join(root, 'home'), other };
}

describe('workingFolderFor', () => {
  test('the bundled sample folder is opened as a copy in the home folder, without its sidecars', async () => {
    const { bundled, home } = await bundle();
    const served = await workingFolderFor(bundled, bundled, home);
    expect(served).toBe(join(home, 'sample-photos'));
    expect(await readdir(served)).toEqual(['a.jpg']);
  });

  test('later opens reuse the copy and what was annotated in it', async () => {
    const { bundled, home } = await bundle();
    const first = await workingFolderFor(bundled, bundled, home);
    await mkdir(join(first, '.maskpilot'));
    await writeFile(join(first, '.maskpilot', 'mine.json'), 'work');
    expect(await workingFolderFor(bundled, bundled, home)).toBe(first);
    expect(await readdir(join(first, '.maskpilot'))).toEqual(['mine.json']);
  });

  test('any other folder, or one that does not exist, is opened as given', async () => {
    const { bundled, home, other } = await bundle();
    expect(await workingFolderFor(other, bundled, home)).toBe(other);
    expect(await workingFolderFor(join(other, 'missing'), bundled, home)).toBe(join(other, 'missing'));
  });
});

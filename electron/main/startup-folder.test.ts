import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { folderFromArgv, readLastFolder, saveLastFolder, startupFolders } from './startup-folder';

describe('startup folder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mp-startup-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the folder argument skips the executable, the main script and switches', () => {
    expect(folderFromArgv(['/usr/bin/electron', 'dist/electron/main.js', '--inspect=0', 'photos'], 2, '/home/u')).toBe(resolve('/home/u', 'photos'));
    expect(folderFromArgv(['/opt/MaskPilot/maskpilot', '/data/street'], 1, '/')).toBe('/data/street');
    expect(folderFromArgv(['/opt/MaskPilot/maskpilot', '--no-sandbox'], 1, '/')).toBeNull();
  });

  test('the last folder round-trips; damaged or relative entries are ignored', async () => {
    const file = join(dir, 'last-folder.json');
    expect(await readLastFolder(file)).toBeNull();
    await saveLastFolder(file, '/data/street');
    expect(await readLastFolder(file)).toBe('/data/street');
    await writeFile(file, '{"folder": "relative/path"}');
    expect(await readLastFolder(file)).toBeNull();
    await writeFile(file, '{"fold');
    expect(await readLastFolder(file)).toBeNull();
  });

  test('first start opens the samples; later starts the last folder; a vanished last folder is skipped', async () => {
    const sample = dir;
    expect(await startupFolders({ argvFolder: null, lastFolder: null, sampleFolder: sample })).toEqual([sample]);
    const gone = join(dir, 'gone');
    expect(await startupFolders({ argvFolder: null, lastFolder: gone, sampleFolder: sample })).toEqual([sample]);
    expect(await startupFolders({ argvFolder: gone, lastFolder: null, sampleFolder: sample })).toEqual([gone, sample]);
  });
});

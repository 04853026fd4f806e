import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isAtomicTempFile, removeStaleTempFiles, writeFileAtomic } from './atomic-write';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maskpilot-atomic-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pid that is certainly dead: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid as number;
}

describe('writeFileAtomic', () => {
  test('creates and replaces a file, leaving no temp files', async () => {
    const target = join(dir, 'a.json');
    await writeFileAtomic(target, 'one');
    expect(await readFile(target, 'utf8')).toBe('one');
    await writeFileAtomic(target, new TextEncoder().encode('two'));
    expect(await readFile(target, 'utf8')).toBe('two');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  test('concurrent writers never share a temp file: the result is one whole payload', async () => {
    const target = join(dir, 'race.json');
    const payloads = Array.from({ length: 40 }, (_, index) => JSON.stringify({ writer: index, body: 'x'.repeat(20_000 + index) }));
    await Promise.all(payloads.map((payload) => writeFileAtomic(target, payload)));
    expect(payloads).toContain(await readFile(target, 'utf8'));
    expect(await readdir(dir)).toEqual(['race.json']);
  });

  test('a failed write leaves the old content and no temp file', async () => {
    const target = join(dir, 'keep.json');
    await writeFileAtomic(target, 'old');
    // Renaming a file over a directory fails after the temp file was written.
    const blocked = join(dir, 'blocked');
    await writeFile(join(dir, 'placeholder'), '');
    await import('node:fs/promises').then((fs) => fs.mkdir(blocked));
    await expect(writeFileAtomic(blocked, 'new')).rejects.toThrow();
    await expect(writeFileAtomic(join(dir, 'missing-dir', 'x.json'), 'new')).rejects.toThrow();
    expect(await readFile(target, 'utf8')).toBe('old');
    expect((await readdir(dir)).filter(isAtomicTempFile)).toEqual([]);
  });
});

describe('removeStaleTempFiles', () => {
  test('removes temp files of dead writers and keeps live ones and ordinary files', async () => {
    const dead = `.a.json.${deadPid()}-1-abcd1234.mp-tmp`;
    const live = `.b.json.${process.pid}-7-00ff00ff.mp-tmp`;
    for (const name of [dead, live, 'a.json', 'notes.mp-tmp']) await writeFile(join(dir, name), 'x');
    expect(await removeStaleTempFiles(dir)).toEqual([dead]);
    expect((await readdir(dir)).sort()).toEqual([live, 'a.json', 'notes.mp-tmp'].sort());
    expect(await removeStaleTempFiles(join(dir, 'nope'))).toEqual([]);
  });
});

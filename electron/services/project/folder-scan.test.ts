import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { scanFolder } from './folder-scan';
import { compareNaturalPaths } from './natural-sort';
import { makeTempFolder } from './test-helpers';

let folder: string;
let outside: string;

beforeEach(async () => {
  folder = await makeTempFolder();
  outside = await makeTempFolder();
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

async function touch(path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, 'x');
}

describe('compareNaturalPaths', () => {
  test('numbers by value, case folded, folders segment by segment, total order', () => {
    const paths = ['img10.jpg', 'img2.jpg', 'IMG1.jpg', 'a/b.jpg', 'a-b.jpg', 'img02.jpg', 'b/10/x.jpg', 'b/9/x.jpg', 'img1.jpg', 'z.jpg'];
    expect([...paths].sort(compareNaturalPaths)).toEqual([
      'a/b.jpg',
      'a-b.jpg',
      'b/9/x.jpg',
      'b/10/x.jpg',
      'IMG1.jpg',
      'img1.jpg',
      'img02.jpg',
      'img2.jpg',
      'img10.jpg',
      'z.jpg',
    ]);
    expect(compareNaturalPaths('x99999999999999999999999.jpg', 'x100000000000000000000000.jpg')).toBeLessThan(0);
  });
});

describe('scanFolder', () => {
  test('finds image extensions case-insensitively, recursively, skipping hidden folders and the sidecar', async () => {
    for (const name of ['a.jpg', 'b.JPEG', 'c.png', 'd.webp', 'e.bmp', 'f.tif', 'g.TIFF', 'h1.gif', 'h2.avif', 'h3.heic', 'sub/deep/h.jpg', 'notes.txt', 'jpg', '.maskpilot/x.jpg', '.git/y.png']) {
      await touch(join(folder, name));
    }
    const { images } = await scanFolder(folder);
    expect(images.map((image) => image.id)).toEqual(['a.jpg', 'b.JPEG', 'c.png', 'd.webp', 'f.tif', 'g.TIFF', 'h1.gif', 'h2.avif', 'sub/deep/h.jpg']);
  });

  test('symlinks: inside files listed, outside and directories skipped, broken ones flagged', async () => {
    await touch(join(folder, 'real.jpg'));
    await touch(join(outside, 'secret.jpg'));
    await symlink(join(folder, 'real.jpg'), join(folder, 'alias.jpg'));
    await symlink(join(outside, 'secret.jpg'), join(folder, 'escape.jpg'));
    await symlink('../../etc/passwd', join(folder, 'relative-escape.png'));
    await symlink(join(folder, 'nothing.jpg'), join(folder, 'dangling.jpg'));
    await symlink(outside, join(folder, 'linked-dir'));
    await symlink(folder, join(folder, 'loop'));
    const { images, skippedLinks } = await scanFolder(folder);
    expect(images).toEqual([
      { id: 'alias.jpg', brokenLink: false },
      { id: 'dangling.jpg', brokenLink: true },
      { id: 'real.jpg', brokenLink: false },
    ]);
    expect(skippedLinks.sort()).toEqual(['escape.jpg', 'relative-escape.png']);
  });
});

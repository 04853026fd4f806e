// A folder full of bad files opens fine: each bad file is listed with its precise problem, good
// images (including an EXIF-rotated one) report their oriented size, nothing throws. A damaged
// sidecar or project.json is reported and kept aside, never overwritten.
import { execFile } from 'node:child_process';
import { chmod, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { ImageRecord } from '../../../shared/api/types';
import { repoRoot } from '../../../test/support/shared-data';
import { problemFromError } from './image-probe';
import { openProject } from './project-service';
import { makeTempFolder, rectangleInstance, writeImage } from './test-helpers';

const runningAsRoot = process.getuid?.() === 0;
const NOBODY = 65534;

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A well-formed PNG header claiming width x height (8-bit RGB), with a token IDAT: cheap to write. */
function hugePngHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk('IHDR', header), pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), pngChunk('IEND', Buffer.alloc(0))]);
}

let folder: string;

beforeAll(async () => {
  folder = await makeTempFolder('maskpilot-bad-input-');
  await writeFile(join(folder, 'empty.jpg'), '');
  await writeFile(join(folder, 'text.png'), 'hello, I am not a PNG\n');
  const noisy = await sharp(Buffer.from(Array.from({ length: 64 * 48 * 3 }, (_, index) => (index * 37) % 256)), { raw: { width: 64, height: 48, channels: 3 } })
    .jpeg()
    .toBuffer();
  await writeFile(join(folder, 'truncated.jpg'), noisy.subarray(0, Math.floor(noisy.length / 2)));
  await writeFile(join(folder, 'huge.png'), hugePngHeader(20000, 20000));
  await writeImage(join(folder, 'locked.jpg'), 10, 10);
  await chmod(join(folder, 'locked.jpg'), 0o000);
  await symlink(join(folder, 'gone.jpg'), join(folder, 'broken-link.jpg'));
  await writeImage(join(folder, 'good/landscape.jpg'), 64, 32);
  await writeImage(join(folder, 'good/rotated.jpg'), 64, 32, { orientation: 6 });
  await writeImage(join(folder, 'good/mirrored.jpg'), 64, 32, { orientation: 2 });
  await writeImage(join(folder, 'good/photo.png'), 30, 20);
  await symlink(join(folder, 'good/photo.png'), join(folder, 'link-inside.png'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function byId(images: ImageRecord[]): Map<string, ImageRecord> {
  return new Map(images.map((image) => [image.id, image]));
}

describe('opening a folder of bad files', () => {
  test('every bad file is listed with its precise problem; good images have oriented sizes', async () => {
    const project = await openProject(folder);
    try {
      const page = await project.listImages({ offset: 0, limit: 100 });
      const images = byId(page.images);
      expect(page.total).toBe(11);
      expect(images.get('empty.jpg')?.problem?.code).toBe('EMPTY_FILE');
      expect(images.get('text.png')?.problem?.code).toBe('NOT_AN_IMAGE');
      expect(images.get('truncated.jpg')?.problem?.code).toBe('TRUNCATED');
      expect(images.get('huge.png')?.problem).toMatchObject({ code: 'TOO_LARGE', message: expect.stringContaining('20000x20000') });
      expect(images.get('broken-link.jpg')?.problem?.code).toBe('BROKEN_LINK');
      expect(images.get('good/landscape.jpg')).toMatchObject({ width: 64, height: 32 });
      expect(images.get('good/rotated.jpg')).toMatchObject({ width: 32, height: 64 });
      expect(images.get('good/mirrored.jpg')).toMatchObject({ width: 64, height: 32 });
      expect(images.get('link-inside.png')).toMatchObject({ width: 30, height: 20 });
      for (const id of ['good/landscape.jpg', 'good/rotated.jpg', 'good/photo.png', 'link-inside.png']) expect(images.get(id)?.problem).toBeUndefined();
      for (const image of page.images) if (image.problem) expect(image.problem.message.length).toBeGreaterThan(10);
      // Root reads a chmod 000 file; the unprivileged run below checks UNREADABLE for real.
      if (!runningAsRoot) expect(images.get('locked.jpg')?.problem?.code).toBe('UNREADABLE');
      // A bad image cannot be annotated, with a clear error rather than a crash.
      const refused = await project.saveAnnotations({ imageId: 'huge.png', instances: [] }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ApiError);
      expect((refused as ApiError).details?.problem).toBe('TOO_LARGE');
    } finally {
      await project.close();
    }
  });

  test.skipIf(!runningAsRoot)('as an unprivileged user, the chmod 000 file is UNREADABLE (root can read it, so this runs a child as nobody)', async (context) => {
    const child = await makeTempFolder('maskpilot-unprivileged-');
    try {
      await writeImage(join(child, 'ok.jpg'), 12, 8);
      await writeImage(join(child, 'locked.jpg'), 12, 8);
      await chmod(join(child, 'locked.jpg'), 0o000);
      await chmod(child, 0o777); // nobody must be able to create the sidecar folder
      const script = join(repoRoot, 'electron/services/project/test-children/list-folder.ts');
      // A checkout that 'nobody' cannot read (a private home folder, a `mktemp -d` clone) cannot run
      // this check: Node then reports tsx as not found rather than EACCES, so ask the question directly.
      const readable = `for (const p of ${JSON.stringify([script, join(repoRoot, 'node_modules/tsx/package.json')])}) require('node:fs').accessSync(p, require('node:fs').constants.R_OK)`;
      const access = await promisify(execFile)(process.execPath, ['-e', readable], { cwd: '/', uid: NOBODY, gid: NOBODY }).catch((error: { stderr?: string }) => error);
      if (access instanceof Error) return context.skip(`user nobody cannot read the checkout: ${String(access.stderr ?? access.message).split('\n').find((line) => /EACCES|ENOENT/.test(line)) ?? access.message}`);
      let stdout: string;
      try {
        ({ stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, child], { cwd: repoRoot, uid: NOBODY, gid: NOBODY }));
      } catch (error) {
        // A checkout that 'nobody' cannot read (a private home folder) cannot run this check.
        const stderr = String((error as { stderr?: string }).stderr ?? '');
        if (/EACCES|permission denied/i.test(stderr)) return context.skip(`user nobody cannot load the code here: ${stderr.split('\n')[0]}`);
        throw error;
      }
      const images = byId((JSON.parse(stdout) as { images: ImageRecord[] }).images);
      // A folder the user may not write to fails to open with a clear IO_ERROR, not a raw errno.
      await chmod(child, 0o755);
      await rm(join(child, '.maskpilot'), { recursive: true });
      const refused = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, child], { cwd: repoRoot, uid: NOBODY, gid: NOBODY }).catch(
        (error: { stderr?: string }) => error,
      );
      expect(String((refused as { stderr?: string }).stderr)).toMatch(/IO_ERROR|Cannot create .*\.maskpilot/);
      expect(images.get('locked.jpg')?.problem).toEqual({ code: 'UNREADABLE', message: 'Permission denied: the file cannot be read.' });
      expect(images.get('ok.jpg')).toMatchObject({ width: 12, height: 8 });
    } finally {
      await rm(child, { recursive: true, force: true });
    }
  });

  test('permission errors map to UNREADABLE, decoder messages to their problem codes', () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    expect(problemFromError(denied).code).toBe('UNREADABLE');
    expect(problemFromError(Object.assign(new Error('x'), { code: 'EPERM' })).code).toBe('UNREADABLE');
    expect(problemFromError(new Error('Input image exceeds pixel limit')).code).toBe('TOO_LARGE');
    expect(problemFromError(new Error('VipsJpeg: premature end of JPEG image')).code).toBe('TRUNCATED');
    expect(problemFromError(new Error('Input file contains unsupported image format')).code).toBe('NOT_AN_IMAGE');
    expect(problemFromError(new Error('something else')).code).toBe('DECODE_FAILED');
  });
});

describe('damaged sidecars', () => {
  test('a corrupt annotation file is reported once, kept aside with its bytes, and saving works again', async () => {
    const project = await openProject(folder);
    const imageId = 'good/landscape.jpg';
    await project.saveAnnotations({ imageId, instances: [rectangleInstance('a', 64, 32)] });
    await project.saveAnnotations({ imageId: 'good/photo.png', instances: [rectangleInstance('b', 30, 20)] });
    await project.close();
    const annotationsDir = join(folder, '.maskpilot/annotations');
    const names = await readdir(annotationsDir);
    const landscapeFile = names.find((name) => name.startsWith('good_landscape.jpg'));
    const photoFile = names.find((name) => name.startsWith('good_photo.png'));
    if (!landscapeFile || !photoFile) throw new Error(`sidecars not found: ${names.join(', ')}`);
    await writeFile(join(annotationsDir, landscapeFile), '{"version": 1, "imageId": "good/landscape.jpg", "revis');
    await writeFile(join(annotationsDir, photoFile), JSON.stringify({ version: 1, imageId: 'good/photo.png', width: 30, height: 20, status: 'done', instances: 'oops', revision: 1 }));

    const reopened = await openProject(folder);
    try {
      const page = byId((await reopened.listImages({ offset: 0, limit: 100 })).images);
      expect(page.get(imageId)).toMatchObject({ instanceCount: 0, width: 64 });
      for (const [id, file, reason] of [
        [imageId, landscapeFile, 'not valid JSON'],
        ['good/photo.png', photoFile, 'instances'],
      ] as const) {
        const error = await reopened.getAnnotations({ imageId: id }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).code).toBe('CORRUPT_FILE');
        expect((error as ApiError).message).toContain(reason);
        const keptAs = String((error as ApiError).details?.keptAs);
        expect(keptAs).toMatch(new RegExp(`${file.replace(/\./g, '\\.')}\\.corrupt-`));
        expect((await readFile(keptAs, 'utf8')).length).toBeGreaterThan(10);
        // Reported once; afterwards the image reads as empty and can be saved again.
        expect((await reopened.getAnnotations({ imageId: id })).revision).toBe(0);
      }
      expect(await reopened.saveAnnotations({ imageId, instances: [], baseRevision: 0 })).toEqual({ revision: 1 });
    } finally {
      await reopened.close();
    }
  });

  test('a corrupt project.json is kept aside and reported; the project opens with defaults', async () => {
    await writeFile(join(folder, '.maskpilot/project.json'), 'not json at all');
    const project = await openProject(folder);
    try {
      expect(project.openWarnings.map((warning) => warning.code)).toEqual(['CORRUPT_FILE']);
      expect(await project.listCategories({})).toEqual([]);
      const aside = (await readdir(join(folder, '.maskpilot'))).filter((name) => name.startsWith('project.json.corrupt-'));
      expect(aside).toHaveLength(1);
      expect(await readFile(join(folder, '.maskpilot', aside[0]), 'utf8')).toBe('not json at all');
    } finally {
      await project.close();
    }
  });

  test('a sidecar from a newer format version is refused and left untouched', async () => {
    const project = await openProject(folder);
    await project.saveAnnotations({ imageId: 'good/mirrored.jpg', instances: [] });
    await project.close();
    const annotationsDir = join(folder, '.maskpilot/annotations');
    const file = (await readdir(annotationsDir)).find((name) => name.startsWith('good_mirrored.jpg'));
    const newer = JSON.stringify({ version: 99, imageId: 'good/mirrored.jpg' });
    await writeFile(join(annotationsDir, file as string), newer);
    const reopened = await openProject(folder);
    try {
      const error = await reopened.saveAnnotations({ imageId: 'good/mirrored.jpg', instances: [] }).catch((caught: unknown) => caught);
      expect((error as ApiError).code).toBe('CORRUPT_FILE');
      expect((error as ApiError).message).toContain('newer');
      expect(await readFile(join(annotationsDir, file as string), 'utf8')).toBe(newer);
    } finally {
      await reopened.close();
    }
  });
});

import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../../test/support/shared-data';
import { resolveAppPaths, unpackedPath } from './paths';

describe('app paths', () => {
  test('in development everything is found in the repository', () => {
    const mainUrl = pathToFileURL(join(repoRoot, 'dist', 'electron', 'main.js')).href;
    const paths = resolveAppPaths(mainUrl, false, '/unused');
    expect(paths.appRoot).toBe(repoRoot);
    expect(existsSync(join(paths.sampleFolder, 'LICENSES.md'))).toBe(true);
    expect(existsSync(join(paths.wasmDir, 'tfjs-backend-wasm-simd.wasm'))).toBe(true);
    expect(paths.wasmDir.endsWith(sep)).toBe(true);
  });

  test('packaged: resources beside the asar, wasm from the unpacked copy', () => {
    const resources = join(sep, 'opt', 'MaskPilot', 'resources');
    const mainUrl = pathToFileURL(join(resources, 'app.asar', 'dist', 'electron', 'main.js')).href;
    const paths = resolveAppPaths(mainUrl, true, resources);
    expect(paths.rendererDir).toBe(join(resources, 'app.asar', 'dist', 'renderer'));
    expect(paths.preloadFile).toBe(join(resources, 'app.asar', 'dist', 'electron', 'preload.cjs'));
    expect(paths.sampleFolder).toBe(join(resources, 'sample-photos'));
    expect(paths.modelsDir).toBe(join(resources, 'models'));
    expect(paths.wasmDir).toBe(join(resources, 'app.asar.unpacked', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + sep);
  });

  test('unpackedPath rewrites only the asar segment', () => {
    expect(unpackedPath('/a/app.asar/node_modules/x.wasm')).toBe('/a/app.asar.unpacked/node_modules/x.wasm');
    expect(unpackedPath('C:\\MaskPilot\\resources\\app.asar\\x.node')).toBe('C:\\MaskPilot\\resources\\app.asar.unpacked\\x.node');
    expect(unpackedPath('/a/my-app.asar.d/x')).toBe('/a/my-app.asar.d/x');
  });
});

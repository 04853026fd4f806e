// Where the app's files are, in development (running dist/electron/main.js from the repository)
// and packaged (dist/ inside resources/app.asar; sample photos and model weights copied beside it
// as extraResources; wasm files unpacked to app.asar.unpacked because a .wasm is loaded by path).
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

interface AppPaths {
  /** The application root: the repository in development, resources/app.asar when packaged. */
  appRoot: string;
  /** The built renderer (index.html and assets), served over app://. */
  rendererDir: string;
  preloadFile: string;
  sampleFolder: string;
  modelsDir: string;
  /** Folder holding tfjs-backend-wasm's .wasm files, with a trailing separator (tfjs expects one). */
  wasmDir: string;
}

/**
 * `mainFileUrl` is import.meta.url of the bundled main.js (dist/electron/main.js);
 * `resourcesPath` is process.resourcesPath, used only when packaged.
 */
export function resolveAppPaths(mainFileUrl: string, packaged: boolean, resourcesPath: string): AppPaths {
  const bundleDir = dirname(fileURLToPath(mainFileUrl));
  const appRoot = join(bundleDir, '..', '..');
  const resourcesDir = packaged ? resourcesPath : join(appRoot, 'resources');
  return {
    appRoot,
    rendererDir: join(appRoot, 'dist', 'renderer'),
    preloadFile: join(bundleDir, 'preload.cjs'),
    sampleFolder: join(resourcesDir, 'sample-photos'),
    modelsDir: join(resourcesDir, 'models'),
    wasmDir: unpackedPath(join(appRoot, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist')) + sep,
  };
}

/**
 * Electron reads files inside app.asar transparently, but a path handed to code outside Electron's
 * fs patch (a worker's wasm loader, a native module) must point at the unpacked copy.
 */
export function unpackedPath(path: string): string {
  return path.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

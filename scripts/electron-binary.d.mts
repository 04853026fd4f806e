// Types of scripts/electron-binary.mjs (plain JavaScript, run by `npm start` before any build), for
// the tests that import it.

/** The Electron executable, or why the desktop app cannot start (completes "cannot start here: ..."). */
export type ElectronResolution = { binary: string; reason?: undefined } | { binary?: undefined; reason: string };

export type DownloadResult = { ok: true } | { ok: false; reason: string };

export declare const DOWNLOAD_TIMEOUT_MS: number;

export declare function electronPackageDir(): string | null;

export declare function displayProblem(platform?: NodeJS.Platform, env?: NodeJS.ProcessEnv): string | null;

export declare function findBinary(packageDir: string): ElectronResolution;

export declare function downloadBinary(packageDir: string, options?: { timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<DownloadResult>;

export declare function resolveElectron(options?: {
  packageDir?: string | null;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  download?: (packageDir: string) => Promise<DownloadResult>;
  log?: (line: string) => void;
}): Promise<ElectronResolution>;

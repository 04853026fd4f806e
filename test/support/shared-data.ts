// Where the team's shared data lives: ../shared beside the repository (as on developer machines and
// in CI), or MASKPILOT_SHARED. Real datasets are never copied into the repo.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDir = process.env.MASKPILOT_SHARED ?? resolve(repoRoot, '../shared');
export const referenceDir = resolve(sharedDir, 'reference');
export const datasetsDir = resolve(sharedDir, 'datasets');

/** The datasets folder if present; tests that need real photos skip with this message otherwise. */
export const datasetsAvailable = existsSync(resolve(datasetsDir, 'coco128/annotations.json'));
export const datasetsSkipReason = `real datasets not found at ${datasetsDir} (set MASKPILOT_SHARED)`;

/** True under CI, where reference vectors are required: their tests fail instead of skipping. */
export const isCi = process.env.CI === 'true';

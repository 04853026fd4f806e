// The dispatcher's own options: --version / -v and --help. The version is package.json's, and
// `npx maskpilot --version` (bin/maskpilot.mjs) prints it and exits 0.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { main, version } from './main';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const packageVersion = (JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')) as { version: string }).version;

/** Runs main() and returns its exit code and what it wrote to stdout. */
async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), stdout };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('maskpilot --version', () => {
  test('is the version in package.json', () => {
    expect(packageVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(version()).toBe(packageVersion);
  });

  test.each([['--version'], ['-v']])('%s prints the version and exits 0', async (flag) => {
    expect(await run([flag])).toEqual({ code: 0, stdout: `${packageVersion}\n` });
  });

  test('--help lists --version and -v', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}-v, --version {2}print the version/m);
  });

  test('the maskpilot command (bin/maskpilot.mjs, what npx runs) prints it and exits 0', () => {
    const result = spawnSync(process.execPath, [`${repoRoot}bin/maskpilot.mjs`, '--version'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${packageVersion}\n`);
    expect(result.status).toBe(0);
  });
});

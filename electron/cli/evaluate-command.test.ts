import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { isCi, referenceDir } from '../../test/support/shared-data';
import { defaultReportPath, evaluateCommand } from './evaluate-command';
import { main } from './main';

let dir: string;
let stdout: string;
let stderr: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maskpilot-evaluate-'));
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

const SETS = ['coco128-40-crowd', 'pennfudan40'];

describe.each(SETS)('maskpilot evaluate on the %s reference vectors', (set) => {
  const vectors = resolve(referenceDir, 'ar-vectors', set);
  const present = existsSync(resolve(vectors, 'expected.json'));

  test.runIf(isCi && !present)('reference vectors are present in CI', () => {
    expect.fail(`missing ${vectors}`);
  });

  test.skipIf(!present)('prints the table and writes the report cocoeval would give', async () => {
    const out = join(dir, 'report.json');
    const code = await evaluateCommand.run(['--gt', join(vectors, 'gt.json'), '--proposals', join(vectors, 'proposals.json'), `--out=${out}`]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const expected = JSON.parse(await readFile(join(vectors, 'expected.json'), 'utf8')) as Record<string, unknown>;
    const report = JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>;
    for (const key of ['AR@10', 'AR@100', 'AR@1000', 'AR_small@1000', 'AR_medium@1000', 'AR_large@1000']) {
      expect(Math.abs((report[key] as number) - (expected[key] as number)), key).toBeLessThan(1e-6);
      expect(stdout).toContain(`${key.padEnd(16)}`);
      expect(stdout).toMatch(new RegExp(`${key.replace(/[@_]/g, '.')} .* ${(expected[key] as number).toFixed(4)}\\n`));
    }
    expect(report.counts).toEqual(expected.counts);
    expect(report.params).toEqual(expected.params);
    expect(stdout).toContain(`Report written to ${out}`);
    // The per-threshold table: one row per maxDets, recall at 0.50 first.
    const recall = (expected.recall_per_iou_all as Record<string, number[]>)['100'];
    expect(stdout).toMatch(new RegExp(`\\n100 +${recall[0].toFixed(3)} +${recall[1].toFixed(3)} `));
  });
});

describe('maskpilot evaluate', () => {
  const groundTruth = {
    images: [{ id: 1, file_name: 'a.jpg', width: 4, height: 3 }],
    categories: [{ id: 1, name: 'thing' }],
    annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: { size: [3, 4], counts: [3, 2, 7] }, iscrowd: 0 }],
  };

  test('writes <name>.ar.json next to the proposals by default, through the CLI dispatcher', async () => {
    await writeFile(join(dir, 'gt.json'), JSON.stringify(groundTruth));
    await writeFile(join(dir, 'run7.json'), JSON.stringify([{ image_id: 1, segmentation: { size: [3, 4], counts: [3, 2, 7] }, score: 0.9 }]));
    const code = await main(['evaluate', '--gt', join(dir, 'gt.json'), '--proposals', join(dir, 'run7.json')]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'run7.ar.json'), 'utf8')) as Record<string, number>;
    expect(report['AR@10']).toBe(1);
    // 2 px: small; no medium or large ground truth -> -1, shown as n/a.
    expect(report['AR_large@1000']).toBe(-1);
    expect(stdout).toMatch(/AR_large@1000 +large \(96\^2-inf px\) +n\/a \(no ground truth\)/);
  });

  test('bad proposals get a precise error naming the file and record, and no report is written', async () => {
    await writeFile(join(dir, 'gt.json'), JSON.stringify(groundTruth));
    await writeFile(join(dir, 'p.json'), JSON.stringify([{ image_id: 2, segmentation: { size: [3, 4], counts: [12] }, score: 1 }]));
    const code = await main(['evaluate', '--gt', join(dir, 'gt.json'), '--proposals', join(dir, 'p.json')]);
    expect(code).toBe(1);
    expect(stderr).toBe("maskpilot evaluate: p.json: results[0]: image_id 2 is not in the ground truth's images\n");
    expect(existsSync(join(dir, 'p.ar.json'))).toBe(false);
  });

  test('usage errors exit with 2 and show the usage', async () => {
    expect(await evaluateCommand.run(['--gt', 'a.json'])).toBe(2);
    expect(stderr).toContain('missing --proposals <proposals.json>');
    expect(stderr).toContain('Usage: maskpilot evaluate');
    expect(await evaluateCommand.run(['--gt', 'a.json', '--proposals', 'b.json', '--bogus'])).toBe(2);
    expect(stderr).toContain("unexpected argument '--bogus'");
  });

  test('default report path', () => {
    expect(defaultReportPath('/runs/proposals.json')).toBe('/runs/proposals.ar.json');
    expect(defaultReportPath('runs/p.results')).toBe('runs/p.results.ar.json');
  });
});

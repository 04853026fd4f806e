// Load in CI: 4 Chromium pages running the real app against one host (a child process) serving a
// generated 2,000-image folder, each driving the API through the app's own client on its own
// images for 20 s. No error, no lost edit (checked on disk after a SIGKILL), latencies reported
// (p50/p95, never asserted: the machine is shared). bench/load.ts runs it longer and records it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { browserSkipReason, testResultsDir } from '../support/browser';
import { runLoad } from './support/load-run';

const SECONDS = Number(process.env.MASKPILOT_LOAD_SECONDS ?? 20);

describe.skipIf(browserSkipReason !== null)('load', () => {
  test(`4 browser clients editing a 2,000-image folder for ${SECONDS} s lose nothing`, { timeout: 600_000 }, async () => {
    const report = await runLoad({ clients: 4, seconds: SECONDS, images: 2000 });
    console.log(
      `load: ${report.clients} clients x ${report.seconds} s on ${report.images} images: ${report.saves} saves (${report.savesPerSecond}/s), ` +
        `${report.reads} reads, errors ${report.errors.length}, edits lost ${report.editsLost}; latency ms ` +
        `get p50 ${report.latency.getAnnotations.p50Ms} p95 ${report.latency.getAnnotations.p95Ms}, ` +
        `save p50 ${report.latency.saveAnnotations.p50Ms} p95 ${report.latency.saveAnnotations.p95Ms}, all p95 ${report.latency.all.p95Ms}`,
    );
    await mkdir(testResultsDir, { recursive: true });
    await writeFile(join(testResultsDir, 'reliability-load.json'), `${JSON.stringify(report, null, 2)}\n`);
    expect(report.images).toBe(2000);
    expect(report.errors).toEqual([]);
    expect(report.pageErrors).toEqual([]);
    expect(report.lostSamples).toEqual([]);
    expect(report.editsLost).toBe(0);
    // Every client really worked: each got saves through.
    expect(report.saves).toBeGreaterThan(4 * 5);
  });
});

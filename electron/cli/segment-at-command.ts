// `maskpilot segment-at <image> <x> <y>`: click-to-segment from the command line. Prints the chosen
// mask's score, bounding box, area and latency (the first click on an image includes computing its
// feature pyramid; later clicks on the same image reuse it, as in the app).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { SegmentBox, SegmentClick, SegmentPrompt } from '../../shared/api/types';
import { fromCocoRle, rleArea, rleBbox } from '../../shared/geometry';
import { writeJsonFile } from '../services/coco-file';
import { selectBackend, type BackendName } from '../model/backend';
import { createModelForDir, resolveModelChoice } from '../model/registry';
import type { CliCommand } from './command';

const USAGE = `Usage: maskpilot segment-at <image> [<x> <y>] [options]

The mask of the object at pixel (x, y) of <image> (EXIF-oriented pixels), refined by more clicks
or given by a box.

Options:
  --click <x,y[,neg]> one more click, positive unless it ends in ',neg' (repeatable; a positional
                      <x> <y> is the first positive click)
  --box <x1,y1,x2,y2> a box around the object
  --scale-index <n>   use the n-th best scale instead of the best (shift-click in the app)
  --model <name|dir>  guided | deepmask | instancefcn (bundled weights of that model)
                      or a weights folder of any of them
                      (default: the first bundled of guided, deepmask)
  --backend <name>    tensorflow | wasm | cpu               (default: fastest available)
  --out <file>        also write the instance (RLE + polygons) as JSON`;

export const segmentAtCommand: CliCommand = {
  name: 'segment-at',
  summary: 'click-to-segment: the mask of the object at a pixel, with score, bbox, area, latency',
  usage: USAGE,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { 'scale-index': { type: 'string', default: '0' }, click: { type: 'string', multiple: true }, box: { type: 'string' }, model: { type: 'string' }, backend: { type: 'string' }, out: { type: 'string' } },
        strict: true,
      });
    } catch (error) {
      return usageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1 && positionals.length !== 3) return usageError('expected <image> [<x> <y>]');
    const [imagePath, xText, yText] = positionals;
    const clicks: SegmentClick[] = [];
    if (positionals.length === 3) {
      const x = Number(xText);
      const y = Number(yText);
      if (!Number.isFinite(x) || !Number.isFinite(y)) return usageError(`x and y must be numbers, got '${xText}' '${yText}'`);
      clicks.push({ x, y, positive: true });
    }
    for (const text of values.click ?? []) {
      const parts = text.split(',');
      const negative = parts.length === 3 && parts[2] === 'neg';
      const [x, y] = parts.slice(0, 2).map(Number);
      if (!(parts.length === 2 || negative) || !Number.isFinite(x) || !Number.isFinite(y)) return usageError(`--click must be x,y or x,y,neg, got '${text}'`);
      clicks.push({ x, y, positive: !negative });
    }
    let box: SegmentBox | undefined;
    if (values.box !== undefined) {
      const [x1, y1, x2, y2] = values.box.split(',').map(Number);
      if (values.box.split(',').length !== 4 || ![x1, y1, x2, y2].every(Number.isFinite) || !(x2 > x1 && y2 > y1)) return usageError(`--box must be x1,y1,x2,y2 with x1 < x2 and y1 < y2, got '${values.box}'`);
      box = { x1, y1, x2, y2 };
    }
    if (!clicks.some((click) => click.positive) && !box) return usageError('give a positive click (<x> <y> or --click x,y) or --box');
    const scaleIndex = Number(values['scale-index']);
    if (!Number.isInteger(scaleIndex) || scaleIndex < 0) return usageError(`--scale-index must be a non-negative integer, got '${values['scale-index']}'`);
    const prompt: SegmentPrompt = { clicks, ...(box ? { box } : {}), scaleIndex };
    const backendName = values.backend as BackendName | undefined;
    if (backendName && !['tensorflow', 'wasm', 'cpu'].includes(backendName)) return usageError(`--backend must be tensorflow, wasm or cpu, got '${backendName}'`);

    const selection = await selectBackend(backendName);
    process.stdout.write(`backend: ${selection.backend}${selection.notes.length ? ` (${selection.notes.join('; ')})` : ''}\n`);
    const choice = await resolveModelChoice(values.model);
    const model = await createModelForDir({ modelDir: choice.modelDir, model: choice.model, backend: backendName });
    try {
      await model.load();
      process.stdout.write(`model: ${model.modelVersion}\n`);
      const image = { path: resolve(imagePath), width: 0, height: 0 };
      let started = performance.now();
      const instance = await model.segmentAt(image, prompt);
      const coldMs = performance.now() - started;
      started = performance.now();
      await model.segmentAt(image, prompt);
      const warmMs = performance.now() - started;
      if (!instance) {
        process.stdout.write(`no object at ${clicks.map((click) => `(${click.x}, ${click.y})`).join(', ') || 'the box'} (outside the image or an empty mask)\n`);
        return 1;
      }
      const rle = fromCocoRle(instance.rle);
      const [left, top, width, height] = rleBbox(rle);
      process.stdout.write(
        `score: ${instance.score?.toFixed(3)}\nbbox: x=${left} y=${top} w=${width} h=${height}\narea: ${rleArea(rle)} px\n` +
          `latency: ${coldMs.toFixed(0)} ms first click (feature pyramid included), ${warmMs.toFixed(0)} ms on a later click\n`,
      );
      if (values.out) {
        await writeJsonFile(resolve(values.out), instance);
        process.stdout.write(`instance written to ${resolve(values.out)}\n`);
      }
      return 0;
    } finally {
      model.dispose();
    }
  },
};

function usageError(message: string): number {
  process.stderr.write(`maskpilot segment-at: ${message}\n\n${USAGE}\n`);
  return 2;
}

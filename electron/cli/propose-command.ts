// `maskpilot propose <folder> --out proposals.json`: class-agnostic DeepMask proposals for every image
// of a folder, written as a COCO dataset whose annotations carry scores (images list + compressed-RLE
// segmentations + bbox + area + score), which `maskpilot evaluate --proposals` reads directly. Image
// ids come from --gt (matched by file name) so the file lines up with that ground truth; without it
// images are numbered 1..N in file-name order.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Instance } from '../../shared/api/types';
import { fromCocoRle, rleArea, rleBbox } from '../../shared/geometry';
import { readCocoFile, writeJsonFile } from '../services/coco-file';
import { hasImageExtension } from '../services/image-formats';
import { selectBackend, type BackendName } from '../model/backend';
import type { ProposalModel } from '../model/proposal-model';
import { createModelForDir, defaultModel, resolveModelChoice } from '../model/registry';
import { createDetectorBoxBaseline, DETECTOR_BASELINE_VERSION } from '../model/detector-baseline';
import type { CliCommand } from './command';

const USAGE = `Usage: maskpilot propose <folder> --out <proposals.json> [options]

Class-agnostic segment proposals (DeepMask) for every image in <folder> (recursively).
Writes a COCO dataset whose annotations are the proposals, with scores: read it with
'maskpilot evaluate --gt <annotations.json> --proposals <proposals.json>'.

Options:
  --out <file>        where to write the proposals                              (required)
  --max <n>           proposals per image, best first                          (default 100)
  --gt <file>         COCO ground truth: use its image ids (matched by file name)
  --model <name|dir>  guided | deepmask | instancefcn (the bundled weights of that model) or a
                      weights folder (heads.json + heads.bin) of any of them
                      (default: the first bundled of guided, deepmask)
  --backend <name>    tensorflow | wasm | cpu                      (default: fastest available)
  --limit <n>         only the first n images (in file-name order)
  --detector-prior <n> add mask windows on the n best boxes of the trunk's own detector (0 = off)
  --colour-refine <w> fuse each mask with its window's colour model at weight w (0 = off, the
                      default; 1 raises pennfudan AR@100 .288 -> .381 at ~+0.3 s per image)
  --method <name>     deepmask | detector-boxes: the baseline of the AR table, the boxes of the
                      trunk's own COCO detector filled as masks              (default deepmask)`;

export const proposeCommand: CliCommand = {
  name: 'propose',
  summary: 'DeepMask segment proposals for a folder of images, as COCO with scores',
  usage: USAGE,
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          out: { type: 'string' },
          max: { type: 'string', default: '100' },
          gt: { type: 'string' },
          model: { type: 'string' },
          backend: { type: 'string' },
          limit: { type: 'string' },
          method: { type: 'string', default: 'deepmask' },
          'detector-prior': { type: 'string' },
          'colour-refine': { type: 'string' },
        },
        strict: true,
      });
    } catch (error) {
      return usageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) return usageError('expected exactly one <folder>');
    if (!values.out) return usageError('--out is required');
    const maxProposals = Number(values.max);
    if (!Number.isInteger(maxProposals) || maxProposals < 1) return usageError(`--max must be a positive integer, got '${values.max}'`);
    const limit = values.limit === undefined ? Infinity : Number(values.limit);
    if (!(limit >= 1)) return usageError(`--limit must be a positive integer, got '${values.limit}'`);
    const backendName = values.backend as BackendName | undefined;
    if (backendName && !['tensorflow', 'wasm', 'cpu'].includes(backendName)) return usageError(`--backend must be tensorflow, wasm or cpu, got '${backendName}'`);

    const detectorPrior = values['detector-prior'] === undefined ? undefined : Number(values['detector-prior']);
    if (detectorPrior !== undefined && !(Number.isInteger(detectorPrior) && detectorPrior >= 0)) return usageError(`--detector-prior must be a non-negative integer, got '${values['detector-prior']}'`);
    const colourWeight = values['colour-refine'] === undefined ? undefined : Number(values['colour-refine']);
    if (colourWeight !== undefined && !(Number.isFinite(colourWeight) && colourWeight >= 0)) return usageError(`--colour-refine must be a non-negative number, got '${values['colour-refine']}'`);
    if (values.method !== 'deepmask' && values.method !== 'detector-boxes') return usageError(`--method must be deepmask or detector-boxes, got '${values.method}'`);

    const folder = resolve(positionals[0]);
    const files = (await listImages(folder)).slice(0, limit);
    if (files.length === 0) throw new Error(`no images found in ${folder}`);
    const ids = values.gt ? await idsFromGroundTruth(resolve(values.gt), folder, files) : new Map(files.map((file, index) => [file, index + 1]));

    const selection = await selectBackend(backendName);
    process.stderr.write(`backend: ${selection.backend}${selection.notes.length ? ` (${selection.notes.join('; ')})` : ''}\n`);
    const model: Proposer = values.method === 'detector-boxes' ? await loadDetectorBaseline(backendName) : await loadModel(values.model, backendName, detectorPrior, colourWeight);
    process.stderr.write(`model: ${model.modelVersion}\n`);

    const images: Array<{ id: number; file_name: string; width: number; height: number }> = [];
    const annotations: Array<Record<string, unknown>> = [];
    const failures: string[] = [];
    const progress = createProgress(files.length, 'images');
    try {
      for (const file of files) {
        const path = join(folder, file);
        const id = ids.get(file) as number;
        try {
          const instances = await model.propose({ path, width: 0, height: 0 }, { maxProposals, withPolygons: false });
          const [height, width] = instances[0]?.rle.size ?? (await imageSize(path));
          images.push({ id, file_name: file, width, height });
          for (const instance of instances) annotations.push(toAnnotation(instance, annotations.length + 1, id, file));
        } catch (error) {
          failures.push(`${file}: ${(error as Error).message}`);
        }
        progress.tick();
      }
    } finally {
      progress.done();
      model.dispose();
    }
    await writeJsonFile(resolve(values.out), {
      info: { description: `MaskPilot proposals (${model.modelVersion ?? 'unknown model'}), up to ${maxProposals} per image`, backend: selection.backend },
      images,
      annotations,
      categories: [{ id: 1, name: 'object' }],
    });
    process.stdout.write(`${annotations.length} proposals for ${images.length} images written to ${resolve(values.out)}\n`);
    for (const failure of failures) process.stderr.write(`skipped ${failure}\n`);
    return failures.length > 0 ? 1 : 0;
  },
};

function usageError(message: string): number {
  process.stderr.write(`maskpilot propose: ${message}\n\n${USAGE}\n`);
  return 2;
}

/** Image files under `folder`, as POSIX paths relative to it, sorted. */
async function listImages(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (!hasImageExtension(entry.name)) continue;
    const path = join(entry.parentPath, entry.name);
    // Symbolic links to image files count (a folder of links into a dataset is a common setup).
    const isFile = entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => null))?.isFile() === true);
    if (isFile) files.push(relative(folder, path).split('\\').join('/'));
  }
  return files.sort();
}

async function idsFromGroundTruth(gtPath: string, folder: string, files: string[]): Promise<Map<string, number>> {
  const dataset = await readCocoFile(gtPath);
  const byName = new Map(dataset.images.map((image) => [image.file_name, image.id]));
  const ids = new Map<string, number>();
  for (const file of files) {
    const id = byName.get(file) ?? byName.get(file.split('/').pop() ?? file);
    if (id === undefined) throw new Error(`${join(folder, file)} is not among the images of ${gtPath}`);
    ids.set(file, id);
  }
  return ids;
}

/** The chosen weights, else the bundled ones (saying why), else a clear error. */
/** What the command needs of a proposer (DeepMask or the detector-box baseline). */
interface Proposer {
  readonly modelVersion: string | null;
  propose(image: { path: string; width: number; height: number }, options: { maxProposals: number; withPolygons?: boolean }): Promise<Instance[]>;
  dispose(): void;
}

async function loadDetectorBaseline(backend: BackendName | undefined): Promise<Proposer> {
  const baseline = createDetectorBoxBaseline({ backend });
  await baseline.load();
  return { modelVersion: DETECTOR_BASELINE_VERSION, propose: (image, options) => baseline.propose(image, options), dispose: () => baseline.dispose() };
}

/** `--model`: a model id (its bundled weights; registry.ts) or a weights folder; else the default model. */
async function loadModel(modelOption: string | undefined, backend: BackendName | undefined, detectorPrior: number | undefined, colourWeight: number | undefined): Promise<ProposalModel> {
  const settings = { ...(detectorPrior === undefined ? {} : { detectorPrior }), ...(colourWeight === undefined ? {} : { colourWeight }) };
  const fallback = defaultModel();
  try {
    const choice = await resolveModelChoice(modelOption);
    const model = await createModelForDir({ modelDir: choice.modelDir, model: choice.model, backend, settings });
    await model.load();
    return model;
  } catch (error) {
    if (!modelOption || modelOption === fallback.id || resolve(modelOption) === fallback.bundledDir()) throw error;
    process.stderr.write(`cannot use ${modelOption}: ${(error as Error).message}; using the bundled ${fallback.label} model\n`);
    const model = fallback.create({ modelDir: fallback.bundledDir(), backend, settings });
    await model.load();
    return model;
  }
}

async function imageSize(path: string): Promise<[number, number]> {
  const { decodeImage } = await import('../model/decode');
  const image = await decodeImage(path, { maxSide: 64 });
  return [image.originalHeight, image.originalWidth];
}

function toAnnotation(instance: Instance, id: number, imageId: number, fileName: string): Record<string, unknown> {
  const rle = fromCocoRle(instance.rle);
  return {
    id,
    image_id: imageId,
    category_id: 1,
    segmentation: instance.rle,
    area: rleArea(rle),
    bbox: rleBbox(rle),
    iscrowd: 0,
    score: instance.score,
    file_name: fileName,
  };
}

// A one-line progress bar on stderr: redrawn in place on a terminal, one line per 10% when stderr is
// a file or pipe (so logs stay readable).
interface Progress {
  tick(): void;
  done(): void;
}

function createProgress(total: number, unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = performance.now();
  let count = 0;
  let lastLoggedDecile = -1;
  const render = (): string => {
    const width = 30;
    const filled = Math.round((width * count) / Math.max(1, total));
    const seconds = (performance.now() - started) / 1000;
    const perItem = count > 0 ? seconds / count : 0;
    const eta = perItem * (total - count);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}/${total} ${unit}  ${perItem.toFixed(2)} s/${unit.replace(/s$/, '')}  ETA ${formatSeconds(eta)}`;
  };
  return {
    tick() {
      count++;
      if (stream.isTTY) {
        stream.write(`\r${render()}`);
        return;
      }
      const decile = Math.floor((10 * count) / Math.max(1, total));
      if (decile !== lastLoggedDecile) {
        lastLoggedDecile = decile;
        stream.write(`${render()}\n`);
      }
    },
    done() {
      if (stream.isTTY) stream.write('\n');
    },
  };
}

function formatSeconds(seconds: number): string {
  const whole = Math.round(seconds);
  return whole >= 60 ? `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s` : `${whole}s`;
}

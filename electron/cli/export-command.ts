// `maskpilot export <folder> --format F --out PATH`: the project's saved annotations as a dataset
// in one of the formats annotators move between tools (COCO, Ultralytics YOLO segmentation,
// LabelMe JSON, instance-mask PNGs). Instances are chosen as the app's export chooses them
// (accepted and edited; unassigned ones under the category "object", or left out with
// --unassigned omit); prints what was written. COCO is standard unless --score asks for scores.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { UNASSIGNED_POLICIES, type UnassignedPolicy } from '../../shared/coco/export';
import { EXPORT_FORMATS, exportProject, type ExportFormat, type FormatExport } from '../../shared/formats';
import { writeFileAtomic } from '../services/atomic-write';
import { readProjectForExport, writeDatasetFolder } from '../services/dataset-export';
import { openProject, SIDECAR_DIR_NAME } from '../services/project';
import type { CliCommand } from './command';
import { plural } from '../../shared/text/plural';

const USAGE = `Usage: maskpilot export <folder> --format coco|yolo-seg|labelme|masks --out <path> [options]

Writes the annotations saved in <folder>/.maskpilot as a dataset. Accepted and edited instances
are exported (rejected ones never); instances without a category go under "object" unless
--unassigned omit leaves them out.

  --format F          coco      COCO instance segmentation JSON (polygons, or RLE where they
                                would change the mask)
                      yolo-seg  Ultralytics YOLO segmentation: data.yaml, labels/*.txt, images/
                      labelme   LabelMe JSON beside a copy of each image
                      masks     one greyscale PNG per image (pixel = instance number, 0 =
                                background) and masks.json mapping numbers to categories
  --out PATH          a new or empty folder; for coco also a .json file
  --only-done         only images marked done
  --include-proposed  also instances still proposed by the model
  --unassigned U      object (default): instances without a category under "object";
                      omit: leave them out (counted in what is printed)
  --score             coco: add each annotation's model score as "score" (not a COCO
                      annotation field; off by default, so the file is standard COCO)
  --no-images         yolo-seg and labelme: do not copy the images into the dataset`;

interface ExportArguments {
  folder: string;
  format: ExportFormat;
  out: string;
  onlyDone: boolean;
  includeProposed: boolean;
  unassigned: UnassignedPolicy;
  includeScore: boolean;
  copyImages: boolean;
}

function parseExportArguments(argv: string[]): ExportArguments {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      out: { type: 'string' },
      'only-done': { type: 'boolean', default: false },
      'include-proposed': { type: 'boolean', default: false },
      unassigned: { type: 'string', default: 'object' },
      score: { type: 'boolean', default: false },
      'no-images': { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'the project folder is required' : `expected one folder, got ${positionals.length}`);
  if (values.format === undefined) throw new Error(`--format is required (${EXPORT_FORMATS.join(', ')})`);
  if (!(EXPORT_FORMATS as readonly string[]).includes(values.format)) throw new Error(`--format must be ${EXPORT_FORMATS.join(', ')}; got '${values.format}'`);
  if (values.out === undefined || values.out === '') throw new Error('--out <path> is required');
  if (!(UNASSIGNED_POLICIES as readonly string[]).includes(values.unassigned)) throw new Error(`--unassigned must be ${UNASSIGNED_POLICIES.join(' or ')}; got '${values.unassigned}'`);
  return {
    folder: resolve(positionals[0]),
    format: values.format as ExportFormat,
    out: resolve(values.out),
    onlyDone: values['only-done'],
    includeProposed: values['include-proposed'],
    unassigned: values.unassigned as UnassignedPolicy,
    includeScore: values.score,
    copyImages: !values['no-images'],
  };
}

interface ExportOutcome {
  result: FormatExport;
  /** Where the dataset went: a folder, or the COCO .json file. */
  written: string;
  files: number;
  imagesCopied: number;
}

/** Opens the project, exports it, closes it. Throws ApiErrors (bad data, an unusable --out). */
async function runExport(args: ExportArguments): Promise<ExportOutcome> {
  const project = await openProject(args.folder);
  try {
    const input = await readProjectForExport(project, { onlyDone: args.onlyDone, includeProposed: args.includeProposed });
    const result = exportProject(args.format, { ...input, unassigned: args.unassigned, includeScore: args.includeScore });
    if (args.format === 'coco' && args.out.toLowerCase().endsWith('.json')) {
      // A single file: written atomically in place, like the app's COCO export.
      const [file] = result.files;
      await mkdir(dirname(args.out), { recursive: true });
      await writeFileAtomic(args.out, file.kind === 'text' ? file.text : '');
      return { result, written: args.out, files: 1, imagesCopied: 0 };
    }
    const written = await writeDatasetFolder(result, args.out, {
      copyImages: args.copyImages,
      resolveImage: (fileName) => project.resolveImageFile(fileName),
      // Inside the project folder, the dataset's image copies must not become project images.
      marker: isInsideFolder(args.folder, args.out) ? { exportedBy: 'MaskPilot', format: args.format, createdAt: new Date().toISOString() } : undefined,
    });
    return { result, written: args.out, ...written };
  } finally {
    await project.close();
  }
}

function describeExport(outcome: ExportOutcome): string {
  const { counts, skipped, format } = outcome.result;
  const lines = [
    `Exported ${plural(counts.images, 'image')}, ${plural(counts.instances, 'instance')} and ${plural(counts.classes, 'category', 'categories')} as ${format} to ${outcome.written}`,
    `  ${plural(outcome.files, 'file')} written${outcome.imagesCopied > 0 ? `, ${plural(outcome.imagesCopied, 'image')} copied` : ''}`,
  ];
  if (counts.unassigned > 0) lines.push(`  ${plural(counts.unassigned, 'instance')} without a category exported as "object"`);
  for (const { reason, count } of skipped) lines.push(`  left out: ${count} ${reason}`);
  return `${lines.join('\n')}\n`;
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export the saved annotations as COCO, YOLO segmentation, LabelMe or instance-mask PNGs',
  usage: USAGE,
  async run(argv) {
    let args: ExportArguments;
    try {
      args = parseExportArguments(argv);
    } catch (error) {
      process.stderr.write(`maskpilot export: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    // openProject would create the sidecar folder; a folder never annotated has nothing to export.
    if (!existsSync(join(args.folder, SIDECAR_DIR_NAME))) {
      process.stderr.write(`maskpilot export: no MaskPilot annotations in ${args.folder} (no ${SIDECAR_DIR_NAME} folder)\n`);
      return 1;
    }
    const outcome = await runExport(args);
    process.stdout.write(describeExport(outcome));
    return 0;
  },
};

function isInsideFolder(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

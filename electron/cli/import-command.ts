// `maskpilot import <folder> --from PATH [--format F]`: annotations made elsewhere (a COCO file, an
// Ultralytics YOLO segmentation dataset, LabelMe JSON files) into the project of <folder>, through
// the same importAnnotations the app calls: everything is checked first and nothing is saved unless
// all of it is valid. Prints what was imported and skipped; a bad file exits 1 with its file and line.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AnnotationImportResult } from '../../shared/api/types';
import { detectImportFormat, IMPORT_FORMATS, type ImportFormat } from '../../shared/formats';
import { readImportSource } from '../services/import-source';
import { openProject } from '../services/project';
import type { CliCommand } from './command';
import { plural } from '../../shared/text/plural';

const USAGE = `Usage: maskpilot import <folder> --from <path> [--format coco|yolo-seg|labelme]

Imports annotations into the project of <folder> (saved in <folder>/.maskpilot). Images are matched
to the folder's by file name (YOLO labels: by name without extension); files naming images that are
not in the folder are skipped and listed. Categories are merged by name. Imported instances are
accepted; what an image already has is kept. Everything is checked first: one bad file or line and
nothing is saved (exit code 1, the file and line printed).

  --from PATH   coco      the COCO .json file
                yolo-seg  the dataset folder (data.yaml and labels/*.txt; images/ is not read)
                labelme   a folder of LabelMe .json files (subfolders too), or one .json file
  --format F    coco, yolo-seg or labelme; without it, told from the files as the app does`;

interface ImportArguments {
  folder: string;
  from: string;
  format: ImportFormat | null;
}

function parseImportArguments(argv: string[]): ImportArguments {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { from: { type: 'string' }, format: { type: 'string' } } });
  if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'the project folder is required' : `expected one folder, got ${positionals.length}`);
  if (values.from === undefined || values.from === '') throw new Error('--from <path> is required');
  if (values.format !== undefined && !(IMPORT_FORMATS as readonly string[]).includes(values.format)) {
    throw new Error(`--format must be ${IMPORT_FORMATS.join(', ')}; got '${values.format}'`);
  }
  return { folder: resolve(positionals[0]), from: resolve(values.from), format: (values.format as ImportFormat | undefined) ?? null };
}

const FORMAT_NAMES: Record<ImportFormat, string> = { coco: 'COCO', 'yolo-seg': 'YOLO segmentation', labelme: 'LabelMe JSON' };


function describeImport(result: AnnotationImportResult, from: string): string {
  const lines = [`Imported ${plural(result.annotationCount, 'annotation')} on ${plural(result.imageCount, 'image')} from ${from} (${FORMAT_NAMES[result.format]})`];
  if (result.createdCategories.length > 0) lines.push(`  new categories: ${result.createdCategories.join(', ')}`);
  if (result.imagesWithExistingInstances > 0) lines.push(`  ${plural(result.imagesWithExistingInstances, 'image')} already had annotations: kept, the imported ones added`);
  if (result.replacedInstances > 0) lines.push(`  ${plural(result.replacedInstances, 'annotation')} from an earlier import of the same files replaced`);
  if (result.skippedImages.length > 0) {
    lines.push(`  skipped ${plural(result.skippedImages.length, 'image')} not in the folder:`);
    for (const name of result.skippedImages) lines.push(`    ${name}`);
  }
  for (const warning of result.warnings) lines.push(`  note: ${warning}`);
  return `${lines.join('\n')}\n`;
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'import COCO, YOLO segmentation or LabelMe annotations into a folder (nothing saved unless all valid)',
  usage: USAGE,
  async run(argv) {
    let args: ImportArguments;
    try {
      args = parseImportArguments(argv);
    } catch (error) {
      process.stderr.write(`maskpilot import: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    const files = await readImportSource(args.from);
    const format = args.format ?? detectImportFormat(files);
    const project = await openProject(args.folder);
    try {
      const result = await project.importAnnotations({ format, files });
      process.stdout.write(describeImport(result, args.from));
      return 0;
    } finally {
      await project.close();
    }
  },
};

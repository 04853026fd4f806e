// The export dialog's work (issue #18.8, "Export is silent"): saves what is pending, asks the host to
// write the dataset into the opened folder (exports/<format>-<time>/) and says what was written:
// images, annotations, categories, what happened to instances without a category, what was left
// out and why, and where the files are.
import type { MaskPilotClient } from '../../../shared/api/contract';
import type { DatasetExportResult } from '../../../shared/api/types';
import type { UnassignedPolicy } from '../../../shared/coco/export';
import type { ExportFormat } from '../../../shared/formats/exported-files';
import type { Autosave } from '../state/autosave';
import type { EditorStore } from '../state/store';
import { errorMessage } from './error-message';
import { plural } from '../../../shared/text/plural';

/** What the dialog offers; the defaults are its first choices. */
export interface DatasetExportChoices {
  format: ExportFormat;
  /** true: images marked done only; false (default): every image. */
  onlyDone: boolean;
  /** 'object' (default): instances without a category go under a category named "object"; 'omit': left out. */
  unassigned: UnassignedPolicy;
  /** COCO only: the non-standard `score` field on each annotation (default off: standard COCO). */
  includeScore: boolean;
}

export const DEFAULT_EXPORT_CHOICES: DatasetExportChoices = { format: 'coco', onlyDone: false, unassigned: 'object', includeScore: false };

/** The formats as the dialog names and explains them, in its order. */
export const FORMAT_CHOICES: readonly { format: ExportFormat; label: string; description: string }[] = [
  { format: 'coco', label: 'COCO', description: 'annotations.json: COCO instance segmentation (polygons, or RLE where polygons would change the mask)' },
  { format: 'yolo-seg', label: 'YOLO segmentation', description: 'Ultralytics layout: data.yaml, labels/*.txt (one polygon per line) and a copy of each image in images/' },
  { format: 'labelme', label: 'LabelMe JSON', description: 'one LabelMe .json beside a copy of each image' },
  { format: 'masks', label: 'PNG instance masks', description: 'one greyscale PNG per image (pixel = instance number, 0 = background) and masks.json naming their categories' },
];

export type ExportOutcome = { ok: true; result: DatasetExportResult; text: string } | { ok: false; text: string };

export interface DatasetExport {
  exportDataset(choices: DatasetExportChoices): Promise<ExportOutcome>;
}

export interface DatasetExportDeps {
  store: EditorStore;
  client: Pick<MaskPilotClient, 'exportDataset'>;
  autosave: Pick<Autosave, 'flushAll'>;
}

export function createDatasetExport({ store, client, autosave }: DatasetExportDeps): DatasetExport {
  return {
    async exportDataset(choices) {
      const { actions } = store.getState();
      // What is on screen is what gets exported: pending edits are saved first.
      await autosave.flushAll();
      try {
        const result = await client.exportDataset({
          format: choices.format,
          onlyDone: choices.onlyDone,
          unassigned: choices.unassigned,
          ...(choices.format === 'coco' ? { includeScore: choices.includeScore } : {}),
        });
        const text = exportSummaryText(result, store.getState().catalog.projectName);
        actions.notify('info', text);
        return { ok: true, result, text };
      } catch (error) {
        const text = `Export failed: ${errorMessage(error)}`;
        actions.notify('error', text);
        return { ok: false, text };
      }
    },
  };
}


/**
 * "Exported 12 images, 30 annotations and 3 categories as YOLO segmentation to photos/exports/yolo-seg-…/
 * (13 files, 12 images copied). 2 without a category exported as "object". Left out: 1 crowd region …"
 */
export function exportSummaryText(result: DatasetExportResult, projectName: string): string {
  const label = FORMAT_CHOICES.find((choice) => choice.format === result.format)?.label ?? result.format;
  const where = projectName ? `${projectName}/${result.folder}/` : `${result.folder}/`;
  const copied = result.imagesCopied > 0 ? `, ${plural(result.imagesCopied, 'image')} copied` : '';
  const parts = [
    `Exported ${plural(result.images, 'image')}, ${plural(result.annotations, 'annotation')} and ${plural(result.categories, 'category', 'categories')} as ${label} to ${where} (${plural(result.files, 'file')}${copied}).`,
  ];
  if (result.unassignedAsObject > 0) parts.push(`${plural(result.unassignedAsObject, 'instance')} without a category exported as "object".`);
  const leftOut = result.leftOut.reduce((sum, entry) => sum + entry.count, 0);
  parts.push(leftOut === 0 ? 'Nothing left out.' : `Left out ${plural(leftOut, 'instance')}: ${result.leftOut.map((entry) => `${entry.count} ${entry.reason}`).join(', ')}.`);
  return parts.join(' ');
}

import { describe, expect, test, vi } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { DatasetExportResult } from '../../../shared/api/types';
import { createEditorStore } from '../state/store';
import { createDatasetExport, DEFAULT_EXPORT_CHOICES, exportSummaryText } from './dataset-export';

const written: DatasetExportResult = {
  format: 'yolo-seg',
  folder: 'exports/yolo-seg-20261205-184512',
  files: 13,
  imagesCopied: 12,
  images: 12,
  annotations: 30,
  categories: 4,
  unassignedAsObject: 2,
  leftOut: [{ reason: 'crowd regions (YOLO has no crowd flag)', count: 1 }],
};

describe('exportSummaryText', () => {
  test('says what was written, what went under "object", what was left out and where', () => {
    expect(exportSummaryText(written, 'photos')).toBe(
      'Exported 12 images, 30 annotations and 4 categories as YOLO segmentation to photos/exports/yolo-seg-20261205-184512/ (13 files, 12 images copied). ' +
        '2 instances without a category exported as "object". Left out 1 instance: 1 crowd regions (YOLO has no crowd flag).',
    );
  });

  test('singulars, no copies, nothing left out', () => {
    const coco: DatasetExportResult = { ...written, format: 'coco', folder: 'exports/coco-1', files: 1, imagesCopied: 0, images: 1, annotations: 1, categories: 1, unassignedAsObject: 0, leftOut: [] };
    expect(exportSummaryText(coco, 'p')).toBe('Exported 1 image, 1 annotation and 1 category as COCO to p/exports/coco-1/ (1 file). Nothing left out.');
  });
});

describe('createDatasetExport', () => {
  test('saves pending edits first, sends the choices (score only for COCO), and notifies the summary', async () => {
    const store = createEditorStore();
    store.getState().actions.setCatalog({ projectName: 'photos' });
    const order: string[] = [];
    const client = { exportDataset: vi.fn(async () => (order.push('export'), written)) };
    const autosave = { flushAll: vi.fn(async () => void order.push('flush')) };
    const exporter = createDatasetExport({ store, client, autosave });
    const outcome = await exporter.exportDataset({ format: 'yolo-seg', onlyDone: true, unassigned: 'omit', includeScore: true });
    expect(order).toEqual(['flush', 'export']);
    expect(client.exportDataset).toHaveBeenCalledWith({ format: 'yolo-seg', onlyDone: true, unassigned: 'omit' });
    expect(outcome).toMatchObject({ ok: true, result: written });
    expect(store.getState().sync.notice?.text).toMatch(/^Exported 12 images/);
    await exporter.exportDataset({ ...DEFAULT_EXPORT_CHOICES, includeScore: true });
    expect(client.exportDataset).toHaveBeenLastCalledWith({ format: 'coco', onlyDone: false, unassigned: 'object', includeScore: true });
  });

  test('a refusal is said in the dialog and the status bar', async () => {
    const store = createEditorStore();
    const client = {
      exportDataset: vi.fn(async (): Promise<DatasetExportResult> => {
        throw new ApiError('IO_ERROR', 'exports in the project folder is not a folder (a file or a link); move it away to export');
      }),
    };
    const outcome = await createDatasetExport({ store, client, autosave: { flushAll: async () => {} } }).exportDataset(DEFAULT_EXPORT_CHOICES);
    expect(outcome).toEqual({ ok: false, text: expect.stringMatching(/^Export failed: .*move it away to export/) });
    expect(store.getState().sync.notice).toMatchObject({ kind: 'error' });
  });
});

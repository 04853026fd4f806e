import { describe, expect, test, vi } from 'vitest';
import { ApiError } from '../../../shared/api/errors';
import type { AnnotationImportResult } from '../../../shared/api/types';
import { createEditorStore } from '../state/store';
import { createAnnotationImport, importSummaryText } from './annotation-import';
import type { ChosenFile } from './annotation-import';

const imported: AnnotationImportResult = {
  format: 'yolo-seg',
  imageCount: 5,
  annotationCount: 12,
  createdCategories: ['cat', 'dog'],
  skippedImages: ['labels/x.txt', 'labels/y.txt', 'labels/z.txt', 'labels/w.txt'],
  imagesWithExistingInstances: 1,
  replacedInstances: 0,
  warnings: [],
};

describe('importSummaryText', () => {
  test('says what was imported, the new categories, the work kept, and what was skipped', () => {
    expect(importSummaryText(imported)).toBe(
      'Imported 12 annotations on 5 images (YOLO segmentation). New categories: cat, dog. ' +
        '1 image already had annotations: kept them and added the imported ones. ' +
        'Skipped 4 images not in this folder: labels/x.txt, labels/y.txt, labels/z.txt and 1 more.',
    );
  });

  test('singulars; replaced instances and left-out shapes', () => {
    const again: AnnotationImportResult = { ...imported, format: 'labelme', imageCount: 1, annotationCount: 1, createdCategories: [], skippedImages: [], imagesWithExistingInstances: 0, replacedInstances: 1, warnings: ['a.json: 2 point shapes skipped (no area)'] };
    expect(importSummaryText(again)).toBe(
      'Imported 1 annotation on 1 image (LabelMe JSON). 1 annotation from an earlier import of the same files replaced. Note: a.json: 2 point shapes skipped (no area).',
    );
  });
});

/** A chosen file as the browser gives it; `read` records which files were read. */
function chosen(name: string, text: string, read: string[], folder?: string): ChosenFile {
  return { name, webkitRelativePath: folder ? `${folder}/${name}` : '', text: async () => (read.push(name), text) };
}

function setup(result: () => Promise<AnnotationImportResult>) {
  const store = createEditorStore();
  const order: string[] = [];
  const client = {
    importAnnotations: vi.fn(async (params: { format: string; files: { name: string; text: string }[] }) => (order.push(`import ${params.format}`), result())),
    listCategories: vi.fn(async () => (order.push('categories'), [])),
  };
  const autosave = { flushAll: vi.fn(async () => void order.push('flush')), reload: vi.fn(async () => void order.push('reload')) };
  const navigation = { forgetPages: vi.fn(() => void order.push('forget')), loadPage: vi.fn(async () => void order.push('page')) };
  return { store, order, client, autosave, importer: createAnnotationImport({ store, client, autosave, navigation }) };
}

describe('createAnnotationImport', () => {
  test('a chosen folder: only the text files are read, the format is told from them, edits are saved first, the saved state is shown after', async () => {
    const { store, order, client, importer } = setup(async () => imported);
    store.getState().actions.setSession({ currentImageId: 'a.jpg', currentIndex: 0 });
    const read: string[] = [];
    const files = [
      chosen('data.yaml', 'names: [cat, dog]', read, 'ds'),
      chosen('a.txt', '0 0 0 1 0 1 1', read, 'ds/labels'),
      chosen('a.jpg', 'JPEG bytes', read, 'ds/images'),
    ];
    const outcome = await importer.importFiles(files);
    expect(read.sort()).toEqual(['a.txt', 'data.yaml']);
    expect(client.importAnnotations).toHaveBeenCalledWith({
      format: 'yolo-seg',
      files: [
        { name: 'ds/data.yaml', text: 'names: [cat, dog]' },
        { name: 'ds/labels/a.txt', text: '0 0 0 1 0 1 1' },
      ],
    });
    expect(order).toEqual(['flush', 'import yolo-seg', 'forget', 'page', 'categories', 'reload']);
    expect(outcome).toMatchObject({ ok: true, result: imported });
    expect(store.getState().sync.notice).toMatchObject({ kind: 'info', text: expect.stringMatching(/^Imported 12 annotations on 5 images/) });
  });

  test('files it cannot tell the format of: said plainly, nothing sent to the host', async () => {
    const { store, client, importer } = setup(async () => imported);
    const outcome = await importer.importFiles([chosen('photo.jpg', '', []), chosen('notes.md', '', [])]);
    expect(outcome).toEqual({ ok: false, text: expect.stringMatching(/^Import failed: Cannot tell the format of .*: expected a COCO \.json file, LabelMe \.json files, or a YOLO/) });
    expect(client.importAnnotations).not.toHaveBeenCalled();
    expect(store.getState().sync.notice).toMatchObject({ kind: 'error' });
  });

  test("the host's refusal (a bad line) is said with its file and line; nothing is refreshed", async () => {
    const { order, importer } = setup(async () => {
      throw new ApiError('INVALID_ARGUMENT', 'labels/b.txt line 3: class 7, but data.yaml names 2 classes (0 to 1)');
    });
    const outcome = await importer.importFiles([chosen('a.json', JSON.stringify({ shapes: [] }), [])]);
    expect(outcome.text).toContain('Import failed: labels/b.txt line 3: class 7');
    expect(order).toEqual(['flush', 'import labelme']);
  });
});

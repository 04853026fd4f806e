// The import dialog's work (issue #20.2): from files or a folder the user chose, reads the ones an
// import may need (never the images), tells the format from them (COCO, LabelMe JSON, a YOLO
// segmentation dataset; shared/formats/import-files.ts), saves pending edits, asks the host to
// import (it checks everything before saving anything) and says in plain words what was imported
// and skipped; then shows the saved state (image list, categories, the open image).
import type { MaskPilotClient } from '../../../shared/api/contract';
import type { AnnotationImportResult } from '../../../shared/api/types';
import { detectImportFormat, isImportCandidate } from '../../../shared/formats/import-files';
import type { ImportFile, ImportFormat } from '../../../shared/formats/import-files';
import type { Autosave } from '../state/autosave';
import type { EditorStore } from '../state/store';
import { errorMessage } from './error-message';
import type { ImageNavigation } from './image-navigation';
import { IMAGE_PAGE_SIZE } from './image-navigation';
import { plural } from '../../../shared/text/plural';

/** How the dialog and the notices name the formats. */
export const IMPORT_FORMAT_LABELS: Record<ImportFormat, string> = { coco: 'COCO', 'yolo-seg': 'YOLO segmentation', labelme: 'LabelMe JSON' };

export type ImportOutcome = { ok: true; result: AnnotationImportResult; text: string } | { ok: false; text: string };

/** What a chosen file offers: its path inside a chosen folder (or its name) and its text. A browser File fits. */
export interface ChosenFile {
  name: string;
  /** The path from the chosen folder's parent ("dataset/labels/a.txt"); empty for files chosen one by one. */
  webkitRelativePath?: string;
  text(): Promise<string>;
}

export interface AnnotationImport {
  /** Imports what the chosen files hold; resolves with what the notice said (never rejects). */
  importFiles(files: readonly ChosenFile[]): Promise<ImportOutcome>;
}

export interface AnnotationImportDeps {
  store: EditorStore;
  client: Pick<MaskPilotClient, 'importAnnotations' | 'listCategories'>;
  autosave: Pick<Autosave, 'flushAll' | 'reload'>;
  navigation: Pick<ImageNavigation, 'loadPage' | 'forgetPages'>;
}

export function createAnnotationImport({ store, client, autosave, navigation }: AnnotationImportDeps): AnnotationImport {
  return {
    async importFiles(chosen) {
      const { actions } = store.getState();
      const fail = (error: unknown): ImportOutcome => {
        const text = `Import failed: ${errorMessage(error)}`;
        actions.notify('error', text);
        return { ok: false, text };
      };
      let files: ImportFile[];
      let format: ImportFormat;
      try {
        files = await readChosenFiles(chosen);
        // Told from every chosen name, so choosing only photos says what was chosen and what is expected.
        const unread = chosen.map(nameOf).filter((name) => !isImportCandidate(name)).map((name) => ({ name, text: '' }));
        format = detectImportFormat([...files, ...unread]);
      } catch (error) {
        return fail(error);
      }
      // Saved first, so what the import merges with is what is on screen.
      await autosave.flushAll();
      let result: AnnotationImportResult;
      try {
        result = await client.importAnnotations({ format, files });
      } catch (error) {
        return fail(error);
      }
      const text = importSummaryText(result);
      actions.notify('info', text);
      try {
        navigation.forgetPages();
        await navigation.loadPage(Math.floor(Math.max(0, store.getState().session.currentIndex) / IMAGE_PAGE_SIZE));
        actions.setCategories(await client.listCategories({}));
        const current = store.getState().session.currentImageId;
        if (current) await autosave.reload(current);
      } catch (error) {
        actions.notify('error', `${text} Showing it failed: ${errorMessage(error)} (reload the page to see it).`);
      }
      return { ok: true, result, text };
    },
  };
}

/** The chosen files an import may read, with their texts; images and the rest are never read. */
async function readChosenFiles(chosen: readonly ChosenFile[]): Promise<ImportFile[]> {
  const wanted = chosen.filter((file) => isImportCandidate(nameOf(file)));
  return Promise.all(wanted.map(async (file) => ({ name: nameOf(file), text: await file.text() })));
}

/** A file's path inside the chosen folder, or its name when files were chosen one by one. */
const nameOf = (file: ChosenFile) => file.webkitRelativePath || file.name;


function someNames(names: readonly string[], max = 3): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/**
 * "Imported 12 annotations on 5 images (YOLO segmentation). New categories: cat, dog. 1 image already
 * had annotations: kept them and added the imported ones. Skipped 2 images not in this folder: …"
 */
export function importSummaryText(result: AnnotationImportResult): string {
  const parts = [`Imported ${plural(result.annotationCount, 'annotation')} on ${plural(result.imageCount, 'image')} (${IMPORT_FORMAT_LABELS[result.format]}).`];
  if (result.createdCategories.length > 0) parts.push(`New ${result.createdCategories.length === 1 ? 'category' : 'categories'}: ${someNames(result.createdCategories, 5)}.`);
  if (result.imagesWithExistingInstances > 0) {
    parts.push(`${plural(result.imagesWithExistingInstances, 'image')} already had annotations: kept them and added the imported ones.`);
  }
  if (result.replacedInstances > 0) parts.push(`${plural(result.replacedInstances, 'annotation')} from an earlier import of the same files replaced.`);
  if (result.skippedImages.length > 0) {
    parts.push(`Skipped ${plural(result.skippedImages.length, 'image')} not in this folder: ${someNames(result.skippedImages)}.`);
  }
  if (result.warnings.length > 0) parts.push(`Note: ${someNames(result.warnings, 2)}.`);
  return parts.join(' ');
}

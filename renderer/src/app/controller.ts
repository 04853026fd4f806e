// The glue between the typed client and the editor store: builds the store's companions (tools,
// autosave, learning) and the feature parts (image navigation, proposals, categories, import,
// export, server events, menu commands) and puts them behind one object the UI reads through React context; the
// object is also the context every action of the registry runs in.
import type { MaskPilotClient } from '../../../shared/api/contract';
import type { Category, ImageId } from '../../../shared/api/types';
import { createAutosave } from '../state/autosave';
import type { Autosave } from '../state/autosave';
import { createEditorStore } from '../state/store';
import type { EditorStore } from '../state/store';
import type { Editor } from '../tools/editor';
import { createToolbox } from '../tools/toolbox';
import type { Toolbox } from '../tools/toolbox';
import { listenToAppCommands } from './app-commands';
import type { CommandSource } from './app-commands';
import { createAnnotationImport } from './annotation-import';
import type { ChosenFile, ImportOutcome } from './annotation-import';
import { createCategories } from './categories';
import { createCocoTransfer } from './coco-transfer';
import type { CocoDownloadOptions } from './coco-transfer';
import { createDatasetExport } from './dataset-export';
import type { DatasetExportChoices, ExportOutcome } from './dataset-export';
import { createImageNavigation } from './image-navigation';
import { createLearningController } from './learning';
import type { LearningController } from './learning';
import { createProposals } from './proposals';
import { followServerEvents } from './server-events';
import type { ConnectionAware } from './server-events';
import { keepProposalLimit } from './view-preferences';

export interface Controller {
  store: EditorStore;
  client: MaskPilotClient;
  autosave: Autosave;
  toolbox: Toolbox;
  /** The facade the tools act through; UI buttons that do what a tool key does use it too. */
  editor: Editor;
  /** Model versions, fine-tuning, learning settings and per-version statistics. */
  learning: LearningController;
  start(): Promise<void>;
  ensureImagePage(index: number): void;
  openImage(imageId: ImageId): Promise<void>;
  openByOffset(delta: 1 | -1): Promise<void>;
  fitToView(): void;
  proposeCurrent(): Promise<void>;
  saveCategory(category: { id?: number; name: string; color?: string }): Promise<Category | null>;
  deleteCategory(id: number): Promise<void>;
  /** The export dialog's download: COCO JSON saved by the browser; resolves with the notice, or null on failure. */
  exportCoco(options?: CocoDownloadOptions): Promise<string | null>;
  /** The export dialog's Export: the dataset written into the opened folder; says what was written. */
  exportDataset(choices: DatasetExportChoices): Promise<ExportOutcome>;
  /** The import dialog's files or folder: the format told from them, imported, what happened said. */
  importFiles(files: readonly ChosenFile[]): Promise<ImportOutcome>;
  proposeAll(): Promise<void>;
  cancelJob(): Promise<void>;
  /** Starts fine-tuning the active model version (see learning.ts). */
  startFineTune(): void;
  dispose(): void;
}

export function createController(client: MaskPilotClient & ConnectionAware & CommandSource, store: EditorStore = createEditorStore()): Controller {
  const { actions } = store.getState();
  const unsubscribers: (() => void)[] = [keepProposalLimit(store)];
  const reportLatency = (latencyMs: number) => actions.setCatalog({ lastLatencyMs: latencyMs });
  const toolbox = createToolbox({ store, api: client, reportLatency });
  const proposals = createProposals({ store, client, reportLatency });
  const navigation = createImageNavigation({ store, client, toolbox, onUnvisitedImageOpened: (imageId) => proposals.proposeOnOpen(imageId) });
  const autosave = createAutosave(store, client, {
    onSaved: (imageId) => {
      navigation.refreshRecord(imageId);
      learning.scheduleStatsRefresh();
    },
  });
  const learning = createLearningController({ store, api: client, flushEdits: () => autosave.flushAll() });
  const categories = createCategories({ store, client, autosave });
  const coco = createCocoTransfer({ store, client, autosave });
  const imports = createAnnotationImport({ store, client, autosave, navigation });
  const datasets = createDatasetExport({ store, client, autosave });

  const controller: Controller = {
    store,
    client,
    autosave,
    toolbox,
    editor: toolbox.editor,
    learning,
    ...proposals,
    ...categories,
    ...coco,
    ...imports,
    ...datasets,
    ensureImagePage: navigation.ensureImagePage,
    openImage: navigation.openImage,
    openByOffset: navigation.openByOffset,
    fitToView: navigation.fitToView,
    startFineTune: () => void learning.startFineTune(),

    async start() {
      const [project, categoryList, modelStatus] = await Promise.all([
        client.getProject({}),
        client.listCategories({}),
        client.getModelStatus({}).catch(() => null),
      ]);
      actions.setCatalog({ projectName: project.name, imageTotal: project.imageCount, modelStatus });
      actions.setCategories(categoryList);
      document.title = `${project.name} — MaskPilot`;
      await navigation.loadPage(0);
      unsubscribers.push(
        ...followServerEvents({ store, client, navigation, autosave, learning }),
        ...learning.subscribe(),
        listenToAppCommands(client, controller),
      );
      void learning.refresh();
      await navigation.openRemembered(project.name);
    },

    dispose() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      autosave.dispose();
      learning.dispose();
    },
  };
  return controller;
}

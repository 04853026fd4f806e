// The window: toolbar on top, image list left, canvas centre, instances and categories right (and
// the model panel beside them when open), status bar at the bottom. The model panel (with its plots)
// and the import and export dialogs are loaded on first use: most sessions never open them, so they are chunks
// of their own (React.lazy) instead of part of what every start downloads and parses.
import { lazy, Suspense, useEffect } from 'react';
import { CanvasView } from '../canvas/CanvasView';
import { useController, useEditor } from '../app/context';
import { KEY_TARGET_RULE, shortcutHelp } from '../app/actions/shortcut-help';
import { handleKeyDown } from '../app/keyboard';
import { CategoryPanel } from './CategoryPanel';
import { CategoryPicker } from './CategoryPicker';
import { ConnectionBanner } from './ConnectionBanner';
import { ImageList } from './ImageList';
import { InstancePanel } from './InstancePanel';
import { SelectionPanel } from './SelectionPanel';
import { StatusBar } from './StatusBar';
import { Toolbar } from './Toolbar';

const ModelPanel = lazy(() => import('./model/ModelPanel').then((module) => ({ default: module.ModelPanel })));
const ExportDialog = lazy(() => import('./ExportDialog').then((module) => ({ default: module.ExportDialog })));
const ImportDialog = lazy(() => import('./ImportDialog').then((module) => ({ default: module.ImportDialog })));

/** Holds the model panel's column while its code loads, so the canvas takes its final width at once. */
function ModelPanelLoading() {
  return (
    <div className="model-panel" data-testid="model-panel-loading">
      <div className="panel-title">Model</div>
      <div className="model-section muted">Loading…</div>
    </div>
  );
}

export function App() {
  const controller = useController();
  const modelPanelOpen = useEditor((state) => state.session.modelPanelOpen);
  const exportDialogOpen = useEditor((state) => state.session.exportDialogOpen);
  const importDialogOpen = useEditor((state) => state.session.importDialogOpen);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => handleKeyDown(controller, event);
    const beforeUnload = (event: BeforeUnloadEvent) => {
      const { document, sync } = controller.store.getState();
      const dirty = Object.keys(document.images).some((id) => document.images[id] !== sync.syncedDocuments[id]);
      void controller.autosave.flushAll();
      if (dirty) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('beforeunload', beforeUnload);
    };
  }, [controller]);

  return (
    <div className="app">
      <Toolbar />
      <div className={`main${modelPanelOpen ? ' with-model' : ''}`}>
        <ImageList />
        <CanvasView />
        <div className="side-panel">
          <InstancePanel />
          <SelectionPanel />
          <CategoryPanel />
          <details className="shortcuts" data-testid="shortcuts">
            <summary>Shortcuts</summary>
            {shortcutHelp().map((row) => (
              <div key={`${row.keys} ${row.label}`} className={row === KEY_TARGET_RULE ? 'rule' : undefined} data-testid={row === KEY_TARGET_RULE ? 'key-target-rule' : undefined}>
                <kbd>{row.keys}</kbd> {row.label}
                {row.tool && <span className="muted"> ({row.tool})</span>}
              </div>
            ))}
          </details>
        </div>
        {modelPanelOpen && (
          <Suspense fallback={<ModelPanelLoading />}>
            <ModelPanel />
          </Suspense>
        )}
      </div>
      <StatusBar />
      <CategoryPicker />
      {exportDialogOpen && (
        <Suspense fallback={null}>
          <ExportDialog />
        </Suspense>
      )}
      {importDialogOpen && (
        <Suspense fallback={null}>
          <ImportDialog />
        </Suspense>
      )}
      <ConnectionBanner />
    </div>
  );
}

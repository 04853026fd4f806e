// The window: toolbar on top, image list left, canvas centre, instances and categories right (and
// the model panel beside them when open), status bar at the bottom.
import { useEffect } from 'react';
import { CanvasView } from '../canvas/CanvasView';
import { useController, useEditor } from '../app/context';
import { handleKeyDown, SHORTCUTS } from '../app/keyboard';
import { CategoryPanel } from './CategoryPanel';
import { ImageList } from './ImageList';
import { InstancePanel } from './InstancePanel';
import { ModelPanel } from './model/ModelPanel';
import { SelectionPanel } from './SelectionPanel';
import { StatusBar } from './StatusBar';
import { Toolbar } from './Toolbar';

export function App() {
  const controller = useController();
  const modelPanelOpen = useEditor((state) => state.session.modelPanelOpen);
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
          <details className="shortcuts">
            <summary>Shortcuts</summary>
            {SHORTCUTS.map(([keys, action]) => (
              <div key={keys}>
                <kbd>{keys}</kbd> {action}
              </div>
            ))}
          </details>
        </div>
        {modelPanelOpen && <ModelPanel />}
      </div>
      <StatusBar />
    </div>
  );
}

// The import dialog (issue #20.2): choose files, or a folder where the browser can (a YOLO dataset,
// a folder of LabelMe files); the format is told from them, the import runs, and the dialog and the
// status bar say what was imported and skipped, or why nothing was. Modal: keys stay in the dialog
// (Esc closes). Shown while session.importDialogOpen (App loads this file on first use).
import { useRef, useState } from 'react';
import { useController } from '../app/context';
import type { ChosenFile } from '../app/annotation-import';
import { ModalDialog } from './ModalDialog';

/** Whether this browser can choose a whole folder (Chromium, Firefox, Safari, Electron can). */
const canChooseFolder = typeof document !== 'undefined' && 'webkitdirectory' in document.createElement('input');

type Outcome = { kind: 'imported' | 'error'; text: string };

export function ImportDialog() {
  const controller = useController();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const close = () => controller.store.getState().actions.setSession({ importDialogOpen: false });

  const run = async (input: HTMLInputElement) => {
    const chosen: ChosenFile[] = Array.from(input.files ?? []);
    input.value = ''; // the same files can be chosen again
    if (chosen.length === 0) return;
    setBusy(true);
    setOutcome(null);
    try {
      const done = await controller.importFiles(chosen);
      setOutcome({ kind: done.ok ? 'imported' : 'error', text: done.text });
    } finally {
      setBusy(false);
    }
  };

  return (
    <ModalDialog testId="import-dialog" className="export-dialog import-dialog" title="Import annotations" busy={busy} onClose={close}>
      <ul className="import-formats">
        <li>
          <b>COCO</b>: one <code>.json</code> file (images, annotations, categories)
        </li>
        <li>
          <b>YOLO segmentation</b>: the dataset’s folder, or its <code>data.yaml</code> with the <code>labels/*.txt</code> files
        </li>
        <li>
          <b>LabelMe JSON</b>: the <code>.json</code> files (one per image), or their folder
        </li>
      </ul>
      <p className="muted export-dialog-note">
        The format is told from the files. Images are matched to this folder’s by file name; files of images not in it are skipped. Categories are
        matched by name. What an image already has is kept, and nothing is saved unless every file is valid.
      </p>
      <div className="export-dialog-buttons">
        <button className="primary" data-testid="import-choose-files" disabled={busy} onClick={() => filesInput.current?.click()} autoFocus>
          {busy ? 'Importing…' : 'Choose files…'}
        </button>
        {canChooseFolder && (
          <button data-testid="import-choose-folder" disabled={busy} onClick={() => folderInput.current?.click()}>
            Choose a folder…
          </button>
        )}
        <button data-testid="import-close" disabled={busy} onClick={close}>
          {outcome ? 'Close' : 'Cancel'}
        </button>
      </div>
      <input ref={filesInput} data-testid="import-files" type="file" multiple accept=".json,.yaml,.yml,.txt,application/json" hidden onChange={(event) => void run(event.target)} />
      <input
        // React has no prop for webkitdirectory; the attribute makes the picker choose a folder (all its files).
        ref={(input) => {
          folderInput.current = input;
          input?.setAttribute('webkitdirectory', '');
        }}
        data-testid="import-folder"
        type="file"
        hidden
        onChange={(event) => void run(event.target)}
      />
      {outcome && (
        <div className={`export-outcome ${outcome.kind}`} data-testid="import-outcome" data-kind={outcome.kind} role="status">
          {outcome.text}
        </div>
      )}
    </ModalDialog>
  );
}

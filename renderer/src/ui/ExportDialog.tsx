// The export dialog (issue #18.8): which format, which images, what happens to instances without a
// category (the default says so), COCO's score field; then what was written and where. Export writes
// the dataset into the opened folder (exports/<format>-<time>/), the one place the user is sure to
// reach whether the app runs on this machine or the host on another; COCO can also be downloaded
// through the browser, as the toolbar's Export COCO did. Modal: keys stay in the dialog (Esc closes).
// Shown while session.exportDialogOpen (App loads this file on first use).
import { useState } from 'react';
import { useController, useEditor } from '../app/context';
import { DEFAULT_EXPORT_CHOICES, FORMAT_CHOICES } from '../app/dataset-export';
import type { DatasetExportChoices } from '../app/dataset-export';
import type { ExportFormat } from '../../../shared/formats/exported-files';
import { ModalDialog } from './ModalDialog';

/** The last choices, so reopening the dialog in this session offers them again. */
let rememberedChoices: DatasetExportChoices = DEFAULT_EXPORT_CHOICES;

type Outcome = { kind: 'written' | 'downloaded' | 'error'; text: string; folder?: string };

export function ExportDialog() {
  const controller = useController();
  const projectName = useEditor((state) => state.catalog.projectName);
  const [choices, setChoices] = useState<DatasetExportChoices>(rememberedChoices);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const choose = (patch: Partial<DatasetExportChoices>) => {
    const next = { ...choices, ...patch };
    rememberedChoices = next;
    setChoices(next);
  };
  const close = () => controller.store.getState().actions.setSession({ exportDialogOpen: false });
  const described = FORMAT_CHOICES.find((choice) => choice.format === choices.format)!;
  const isCoco = choices.format === 'coco';

  const run = async (how: 'folder' | 'download') => {
    setBusy(true);
    setOutcome(null);
    try {
      if (how === 'folder') {
        const done = await controller.exportDataset(choices);
        setOutcome(done.ok ? { kind: 'written', text: done.text, folder: done.result.folder } : { kind: 'error', text: done.text });
      } else {
        const text = await controller.exportCoco({ onlyDone: choices.onlyDone, unassigned: choices.unassigned, includeScore: choices.includeScore });
        setOutcome(text === null ? { kind: 'error', text: 'Download failed (the status bar says why).' } : { kind: 'downloaded', text });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <ModalDialog testId="export-dialog" className="export-dialog" title="Export annotations" busy={busy} onClose={close}>
      <p className="muted export-dialog-note">Accepted and edited instances are exported; undecided proposals and rejected ones never are.</p>

      <fieldset className="formats" data-testid="export-format">
        <legend>Format</legend>
        {FORMAT_CHOICES.map((choice, index) => (
          <label key={choice.format} className="choice">
            <input
              type="radio"
              name="export-format"
              value={choice.format}
              autoFocus={index === FORMAT_CHOICES.findIndex((candidate) => candidate.format === choices.format)}
              checked={choices.format === choice.format}
              onChange={() => choose({ format: choice.format as ExportFormat })}
              disabled={busy}
              data-testid={`export-format-${choice.format}`}
            />
            <span>{choice.label}</span>
          </label>
        ))}
        <div className="muted choice-description" data-testid="export-format-description">
          {described.description}
        </div>
      </fieldset>

      <fieldset>
        <legend>Images</legend>
        <label className="choice">
          <input type="radio" name="export-images" checked={!choices.onlyDone} onChange={() => choose({ onlyDone: false })} disabled={busy} data-testid="export-images-all" />
          <span>
            All images <span className="muted">(default)</span>
          </span>
        </label>
        <label className="choice">
          <input type="radio" name="export-images" checked={choices.onlyDone} onChange={() => choose({ onlyDone: true })} disabled={busy} data-testid="export-images-done" />
          <span>Only images marked done</span>
        </label>
      </fieldset>

      <fieldset>
        <legend>Instances without a category</legend>
        <label className="choice">
          <input type="radio" name="export-unassigned" checked={choices.unassigned === 'object'} onChange={() => choose({ unassigned: 'object' })} disabled={busy} data-testid="export-unassigned-object" />
          <span>
            Export them as “object” <span className="muted">(default)</span>
          </span>
        </label>
        <label className="choice">
          <input type="radio" name="export-unassigned" checked={choices.unassigned === 'omit'} onChange={() => choose({ unassigned: 'omit' })} disabled={busy} data-testid="export-unassigned-omit" />
          <span>Leave them out</span>
        </label>
      </fieldset>

      <fieldset disabled={!isCoco || busy} className={isCoco ? undefined : 'inactive'}>
        <legend>COCO</legend>
        <label className="choice">
          <input type="checkbox" checked={choices.includeScore} onChange={(event) => choose({ includeScore: event.target.checked })} data-testid="export-include-score" />
          <span>
            Include the model’s <code>score</code> on each annotation <span className="muted">(not a COCO field; off: standard COCO)</span>
          </span>
        </label>
      </fieldset>

      <p className="muted export-dialog-note">
        Written into the opened folder as <code>{projectName || 'the folder'}/exports/{choices.format}-&lt;date-time&gt;/</code>, never over an earlier export.
      </p>
      <div className="export-dialog-buttons">
        <button className="primary" data-testid="export-run" disabled={busy} onClick={() => void run('folder')}>
          {busy ? 'Exporting…' : 'Export to folder'}
        </button>
        {isCoco && (
          <button data-testid="export-download" disabled={busy} onClick={() => void run('download')} title="Save the COCO JSON through the browser instead">
            Download .json
          </button>
        )}
        <button data-testid="export-close" disabled={busy} onClick={close}>
          {outcome ? 'Close' : 'Cancel'}
        </button>
      </div>
      {outcome && (
        <div className={`export-outcome ${outcome.kind}`} data-testid="export-outcome" data-kind={outcome.kind} data-folder={outcome.folder} role="status">
          {outcome.text}
        </div>
      )}
    </ModalDialog>
  );
}

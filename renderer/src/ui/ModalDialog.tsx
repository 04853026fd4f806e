// The modal frame of the app's dialogs (export, import): a backdrop that closes on a click outside,
// a titled box with a close button, and keys kept inside (the app's shortcuts must not act on the
// canvas behind it; Esc closes). Nothing closes while `busy`.
import type { ReactNode } from 'react';

export interface ModalDialogProps {
  /** data-testid of the dialog box, also the prefix of its title's id. */
  testId: string;
  className: string;
  title: string;
  busy: boolean;
  onClose(): void;
  children: ReactNode;
}

export function ModalDialog({ testId, className, title, busy, onClose, children }: ModalDialogProps) {
  const titleId = `${testId}-title`;
  return (
    <div className="modal-backdrop" onMouseDown={(event) => event.target === event.currentTarget && !busy && onClose()}>
      <div
        className={className}
        data-testid={testId}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        onKeyDown={(event) => {
          event.stopPropagation();
          if (event.key === 'Escape' && !busy) onClose();
        }}
      >
        <div className="export-dialog-title" id={titleId}>
          {title}
          <button className="close" aria-label="Close" title="Close (Esc)" onClick={onClose} disabled={busy}>
            ×
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}

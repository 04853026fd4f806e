// A button that runs an action of the registry: its text, tooltip (label and key) and disabled state
// come from the action, so a button and its key always do the same thing.
import type { ReactNode } from 'react';
import { tooltip } from '../app/actions/action';
import { actionById, isEnabled, performAction } from '../app/actions/registry';
import { useController, useEditor } from '../app/context';

interface ActionButtonProps {
  action: string;
  testId?: string;
  className?: string;
  /** Replaces the action's button text (e.g. "Proposing…" while busy). */
  children?: ReactNode;
  /** Replaces the tooltip (e.g. why the action is disabled). */
  title?: string;
  /** Extra data attributes (e.g. data-busy). */
  data?: Record<`data-${string}`, string | boolean>;
}

export function ActionButton({ action: id, testId, className, children, title, data }: ActionButtonProps) {
  const controller = useController();
  const action = actionById(id);
  const enabled = useEditor((state) => isEnabled(action, state));
  return (
    <button data-testid={testId} className={className} disabled={!enabled} title={title ?? tooltip(action)} onClick={() => performAction(action, controller)} {...data}>
      {children ?? action.buttonText ?? action.label}
    </button>
  );
}

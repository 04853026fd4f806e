// Keys typed into a text field belong to the field: app shortcuts (and Space-to-pan) leave them alone.

/** True when the key event's target is a text input, a text area or editable content. */
export function isTyping(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  return !!target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable);
}

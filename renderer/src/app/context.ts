// React access to the controller and narrow store selectors.
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { EditorState } from '../state/store';
import type { Controller } from './controller';

export const ControllerContext = createContext<Controller | null>(null);

export function useController(): Controller {
  const controller = useContext(ControllerContext);
  if (!controller) throw new Error('useController outside <ControllerContext.Provider>');
  return controller;
}

/** Subscribes to one slice of the editor state; re-renders only when it changes (Object.is). */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useController().store, selector);
}

/** Like useEditor, for selectors that build a new array / object each time (shallow-compared). */
export function useEditorShallow<T>(selector: (state: EditorState) => T): T {
  return useStore(useController().store, useShallow(selector));
}

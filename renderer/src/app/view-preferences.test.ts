import { describe, expect, test } from 'vitest';
import { createEditorStore } from '../state/store';
import { keepProposalLimit, readProposalLimit } from './view-preferences';

function memoryStorage(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  return { getItem: (key: string) => values.get(key) ?? null, setItem: (key: string, value: string) => void values.set(key, value), values };
}

describe('the proposal limit is remembered between sessions', () => {
  test('a stored limit applies to a new session; a change is stored', () => {
    const storage = memoryStorage({ 'maskpilot.proposalLimit': '20' });
    const store = createEditorStore();
    const stop = keepProposalLimit(store, storage);
    expect(store.getState().session.proposalLimit).toBe(20);
    store.getState().actions.setSession({ proposalLimit: 0 });
    expect(storage.values.get('maskpilot.proposalLimit')).toBe('0');
    stop();
    store.getState().actions.setSession({ proposalLimit: 5 });
    expect(storage.values.get('maskpilot.proposalLimit')).toBe('0');
  });

  test('junk, a limit the toolbar does not offer, or no storage leave the default', () => {
    expect(readProposalLimit(memoryStorage({ 'maskpilot.proposalLimit': 'lots' }))).toBeNull();
    expect(readProposalLimit(memoryStorage({ 'maskpilot.proposalLimit': '7' }))).toBeNull();
    expect(readProposalLimit(undefined)).toBeNull();
    const throwing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
    const store = createEditorStore();
    keepProposalLimit(store, throwing);
    expect(store.getState().session.proposalLimit).toBe(10);
    expect(() => store.getState().actions.setSession({ proposalLimit: 50 })).not.toThrow();
  });
});

// The quick category picker (C or /): type to filter the project's categories, ↑/↓ to move, Enter
// assigns the highlighted one to the key target (the selection, else the first proposal in Tab
// order) and keeps it selected; with no match, Enter creates a category of that name and assigns it.
// Esc or a click elsewhere closes it. Reaches every category, not only the nine with number keys.
import { useMemo, useState } from 'react';
import type { Category } from '../../../shared/api/types';
import { assignCategory, keyTarget } from '../app/annotation-actions';
import { useController, useEditor } from '../app/context';
import { sortedCategories } from '../app/selectors';
import { categoryDisplayColors, defaultCategoryColor } from '../canvas/colors';
import { currentDocument } from '../state/store';

/** Categories whose name contains `query` (any case): names starting with it first, then id order. */
export function filterCategories(categories: readonly Category[], query: string): Category[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [...categories];
  const matches = categories.filter((category) => category.name.toLowerCase().includes(needle));
  const starts = (category: Category) => (category.name.toLowerCase().startsWith(needle) ? 0 : 1);
  return matches.sort((a, b) => starts(a) - starts(b));
}

export function CategoryPicker() {
  const open = useEditor((state) => state.session.categoryPickerOpen);
  return open ? <OpenPicker /> : null;
}

function OpenPicker() {
  const controller = useController();
  const { store } = controller;
  const categoryRecord = useEditor((state) => state.document.categories);
  const categories = useMemo(() => sortedCategories(categoryRecord), [categoryRecord]);
  const colors = categoryDisplayColors(categoryRecord);
  const target = useEditor((state) => {
    const found = keyTarget(state);
    const instance = found ? currentDocument(state)?.instances[found.id] : undefined;
    if (!found || !instance) return null;
    const category = instance.categoryId === null ? 'unassigned' : (state.document.categories[instance.categoryId]?.name ?? 'unassigned');
    return `${found.selected ? 'the selected instance' : 'the next proposal'} (now ${category})`;
  });
  const [query, setQuery] = useState('');
  const [highlighted, setHighlighted] = useState(0);
  const matches = filterCategories(categories, query);
  const index = Math.min(highlighted, Math.max(0, matches.length - 1));
  const close = () => store.getState().actions.setSession({ categoryPickerOpen: false });

  const choose = async () => {
    const picked = matches[index];
    const name = query.trim();
    close();
    if (picked) {
      assignCategory(store, picked.id);
      return;
    }
    if (!name) return;
    const created = await controller.saveCategory({ name, color: defaultCategoryColor(categories.length) });
    if (created) assignCategory(store, created.id);
  };

  return (
    <div className="category-picker" data-testid="category-picker" role="dialog" aria-label="Pick a category">
      <input
        autoFocus
        data-testid="category-picker-input"
        placeholder="Type a category…"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setHighlighted(0);
        }}
        onBlur={close}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault();
            const step = event.key === 'ArrowDown' ? 1 : -1;
            setHighlighted(matches.length === 0 ? 0 : (index + step + matches.length) % matches.length);
          } else if (event.key === 'Enter') {
            event.preventDefault();
            void choose();
          } else if (event.key === 'Escape') {
            event.preventDefault();
            close();
          }
        }}
      />
      <div className="category-picker-target muted">{target ? `for ${target}` : 'Nothing to assign to on this image'}</div>
      <div className="category-picker-list">
        {matches.map((category, position) => (
          <div
            key={category.id}
            className={`category-picker-row${position === index ? ' highlighted' : ''}`}
            data-testid="category-picker-row"
            data-category-id={category.id}
            onMouseEnter={() => setHighlighted(position)}
            // mousedown, not click: the input's blur would close the picker before a click lands.
            onMouseDown={(event) => {
              event.preventDefault();
              setHighlighted(position);
              close();
              assignCategory(store, category.id);
            }}
          >
            <span className="swatch" style={{ background: colors[category.id] ?? category.color }} />
            {category.name}
          </div>
        ))}
        {matches.length === 0 && <div className="muted category-picker-row">{query.trim() ? `Enter creates “${query.trim()}”` : 'No categories yet: type a name, Enter creates it'}</div>}
      </div>
    </div>
  );
}

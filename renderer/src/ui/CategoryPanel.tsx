// Categories: create, rename (✎), recolour, delete, assign (click on the name, keys 1-9, or C for
// the picker). The list scrolls within a bounded height, so many categories never squeeze the
// instance list above it.
import { useRef, useState } from 'react';
import { assignCategory } from '../app/annotation-actions';
import { useController, useEditor } from '../app/context';
import { sortedCategories } from '../app/selectors';
import { categoryDisplayColors, defaultCategoryColor } from '../canvas/colors';

export function CategoryPanel() {
  const controller = useController();
  const categoryRecord = useEditor((state) => state.document.categories);
  const categories = sortedCategories(categoryRecord);
  const colors = categoryDisplayColors(categoryRecord);
  const newName = useRef<HTMLInputElement>(null);
  const [draft, setDraft] = useState('');
  const [editing, setEditing] = useState<number | null>(null);

  const create = async () => {
    const name = draft.trim();
    if (!name) return;
    if (categories.some((category) => category.name === name)) {
      controller.store.getState().actions.notify('error', `A category named "${name}" already exists.`);
      return;
    }
    // Blur first: the keys typed next (1-9 for the new category) are meant for the app, not the box.
    newName.current?.blur();
    const saved = await controller.saveCategory({ name, color: defaultCategoryColor(categories.length) });
    if (saved) setDraft('');
  };

  return (
    <div className="category-panel" data-testid="category-panel">
      <div className="panel-title">
        Categories <span className="muted">{categories.length ? `${categories.length} · C picks by name` : ''}</span>
      </div>
      <div className="category-rows" data-testid="category-rows">
        {categories.map((category, index) => (
          <div key={category.id} className="category-row" data-testid="category-row" data-category-id={category.id}>
            <span className="key-hint">{index < 9 ? index + 1 : ''}</span>
            <input
              type="color"
              value={colors[category.id] ?? category.color}
              title="Colour"
              onChange={(event) => void controller.saveCategory({ id: category.id, name: category.name, color: event.target.value })}
            />
            {editing === category.id ? (
              <input
                className="category-name-input"
                autoFocus
                defaultValue={category.name}
                onBlur={(event) => {
                  const name = event.target.value.trim();
                  setEditing(null);
                  if (name && name !== category.name) void controller.saveCategory({ id: category.id, name, color: category.color });
                }}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') (event.target as HTMLInputElement).blur();
                  if (event.key === 'Escape') setEditing(null);
                }}
              />
            ) : (
              <button className="category-name" title={`Assign to the selection${index < 9 ? ` (${index + 1})` : ''}`} onClick={() => assignCategory(controller.store, category.id)}>
                {category.name}
              </button>
            )}
            <button className="category-rename" title="Rename" onClick={() => setEditing(category.id)}>
              ✎
            </button>
            <button
              className="category-delete"
              title={`Delete "${category.name}" (its instances become unassigned)`}
              onClick={() => {
                if (window.confirm(`Delete the category "${category.name}"? Its instances become unassigned.`)) void controller.deleteCategory(category.id);
              }}
            >
              ×
            </button>
          </div>
        ))}
      </div>
      <form
        className="category-new"
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <input ref={newName} data-testid="new-category-name" placeholder="New category…" value={draft} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit" disabled={!draft.trim()}>Add</button>
      </form>
    </div>
  );
}

// Which model versions the active one descends from (activating one of those is a roll back).
import type { ModelVersion } from '../../../../shared/api/types';

/** Ids of the versions `activeId` was fine-tuned from, nearest first. */
export function ancestorsOf(versions: readonly ModelVersion[], activeId: string | null): Set<string> {
  const byId = new Map(versions.map((version) => [version.id, version]));
  const ancestors = new Set<string>();
  let parent = activeId ? byId.get(activeId)?.parentId ?? null : null;
  while (parent && !ancestors.has(parent)) {
    ancestors.add(parent);
    parent = byId.get(parent)?.parentId ?? null;
  }
  return ancestors;
}

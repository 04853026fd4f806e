// Finds the project image an imported file means. Datasets name images by paths from another
// machine ("C:\\photos\\b.png", "/data/coco/000123.jpg"), by bare file names, or (YOLO labels) by
// path without extension; the folder's images are ImageIds ("street/a.jpg").
import type { ImageId } from '../../../shared/api/types';
import { withoutExtension } from '../../../shared/formats/paths';

/**
 * Maps names to ImageIds: the exact relative path (after turning backslashes into slashes and
 * dropping a leading "./"), else a path suffix or bare file name that names exactly one image.
 * With `stems`, names are compared without the images' extensions ("images/a" finds "images/a.jpg";
 * "a" finds nothing when both a.jpg and a.png exist).
 */
export class FileNameMatcher {
  /** Key (the path, or the path without extension) -> the images that have it. */
  private readonly idsByKey = new Map<string, ImageId[]>();
  private readonly keysByBaseName = new Map<string, string[]>();

  constructor(ids: readonly ImageId[], options: { stems?: boolean } = {}) {
    for (const id of ids) {
      const key = options.stems ? withoutExtension(id) : id;
      const list = this.idsByKey.get(key);
      if (list) {
        list.push(id);
        continue;
      }
      this.idsByKey.set(key, [id]);
      const base = key.slice(key.lastIndexOf('/') + 1);
      const keys = this.keysByBaseName.get(base);
      if (keys) keys.push(key);
      else this.keysByBaseName.set(base, [key]);
    }
  }

  /** The one image `name` means, or null when none or more than one could be meant. */
  match(name: string): ImageId | null {
    const normalized = name.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
    if (this.idsByKey.has(normalized)) return this.single(normalized);
    const parts = normalized.split('/').filter((part) => part !== '' && part !== '.');
    const candidates = this.keysByBaseName.get(parts.at(-1) ?? '') ?? [];
    // The longest path suffix shared with exactly one image wins.
    for (let length = parts.length; length >= 1; length -= 1) {
      const suffix = parts.slice(-length).join('/');
      const hits = candidates.filter((key) => key === suffix || key.endsWith(`/${suffix}`));
      if (hits.length === 1) return this.single(hits[0]);
      if (hits.length > 1) return null;
    }
    return null;
  }

  private single(key: string): ImageId | null {
    const ids = this.idsByKey.get(key) ?? [];
    return ids.length === 1 ? ids[0] : null;
  }
}

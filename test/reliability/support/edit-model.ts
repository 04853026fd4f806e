// What a client knows about its edits while a host is being killed under it: per image, the last
// acknowledged save (revision + content) and the save in flight, if any; the categories whose
// creation was acknowledged. Checks what is found on disk or through the API against it:
//   - an acknowledged save must be found (its revision and content), unless the save after it
//     was in flight and landed (revision + 1 with the in-flight content): that is allowed;
//   - anything else (an older revision, other content, a missing file) is an edit lost.
import type { ImageAnnotations, ImageStatus, Instance } from '../../../shared/api/types';
import type { Random } from './fuzz';
import { polygonsToRle } from '../../../shared/geometry/polygon-raster';
import { toCocoRle } from '../../../shared/geometry/rle-string';

export interface Edit {
  instances: Instance[];
  status: ImageStatus;
}

/** 1-3 random axis-aligned rectangles whose masks match their polygons (the store validates that). */
export function rectangleEdit(idPrefix: string, width: number, height: number, random: Random): Edit {
  const count = random.int(1, 3);
  const instances: Instance[] = [];
  for (let index = 0; index < count; index += 1) {
    const x0 = random.int(0, width - 8);
    const y0 = random.int(0, height - 8);
    const x1 = random.int(x0 + 4, width);
    const y1 = random.int(y0 + 4, height);
    const polygon = [x0, y0, x1, y0, x1, y1, x0, y1];
    instances.push({
      id: `${idPrefix}-${index}`,
      polygons: [polygon],
      rle: toCocoRle(polygonsToRle([polygon], height, width)),
      score: null,
      status: 'accepted',
      source: 'manual',
      categoryId: null,
      modelVersion: null,
    });
  }
  return { instances, status: random.pick(['inProgress', 'done'] as const) };
}

interface Saved {
  revision: number;
  /** Instance ids and polygons, as JSON: what must come back byte for byte. */
  content: string;
}

const contentOf = (instances: readonly Instance[]): string => JSON.stringify(instances.map((instance) => [instance.id, instance.polygons]));

export class EditModel {
  private readonly acked = new Map<string, Saved>();
  private readonly inFlight = new Map<string, Saved>();
  private readonly lost = new Set<string>();
  private readonly issues: string[] = [];
  private readonly categories = new Set<string>();
  private categoryPending: string | null = null;
  private landed = 0;
  private dropped = 0;

  revisionOf(imageId: string): number {
    return this.acked.get(imageId)?.revision ?? 0;
  }

  saveInFlight(imageId: string, revision: number, edit: Edit): void {
    this.inFlight.set(imageId, { revision, content: contentOf(edit.instances) });
  }

  saveAcknowledged(imageId: string, revision: number): void {
    const pending = this.inFlight.get(imageId);
    if (!pending || pending.revision !== revision) this.issues.push(`${imageId}: acknowledged revision ${revision}, expected ${pending?.revision}`);
    this.acked.set(imageId, { revision, content: pending?.content ?? '' });
    this.inFlight.delete(imageId);
  }

  categoryInFlight(name: string): void {
    this.categoryPending = name;
  }

  categoryAcknowledged(name: string): void {
    this.categories.add(name);
    this.categoryPending = null;
  }

  /** Compares what was read with what was acknowledged; true when it is the in-flight save. */
  private check(imageId: string, found: ImageAnnotations | null, where: string): boolean {
    const acked = this.acked.get(imageId);
    const pending = this.inFlight.get(imageId);
    const revision = found?.revision ?? 0;
    const content = found ? contentOf(found.instances) : '';
    if (pending && revision === pending.revision && content === pending.content) return true;
    if (!acked) {
      if (revision !== 0) this.issues.push(`${where} ${imageId}: revision ${revision} was never saved by the test`);
      return false;
    }
    if (revision === acked.revision && content === acked.content) return false;
    this.lost.add(`${imageId}@${acked.revision}`);
    this.issues.push(`${where} ${imageId}: acknowledged revision ${acked.revision} lost (found revision ${revision}${revision === acked.revision ? ' with other content' : ''})`);
    return false;
  }

  /** Right after a kill, the sidecar file as read from disk (null when absent). */
  checkOnDisk(imageId: string, found: ImageAnnotations | null): void {
    this.check(imageId, found, 'on disk');
  }

  /** After a restart, through the API: also adopts an in-flight save that landed. */
  reconcile(imageId: string, found: ImageAnnotations): void {
    const pending = this.inFlight.get(imageId);
    if (this.check(imageId, found, 'via API') && pending) {
      this.acked.set(imageId, pending);
      this.landed += 1;
    } else if (pending) {
      this.dropped += 1;
    }
    this.inFlight.delete(imageId);
  }

  checkCategoriesOnDisk(names: string[]): void {
    const present = new Set(names);
    for (const name of this.categories) if (!present.has(name)) this.issues.push(`on disk: acknowledged category '${name}' lost`);
  }

  reconcileCategories(names: string[]): void {
    this.checkCategoriesOnDisk(names);
    if (this.categoryPending !== null && names.includes(this.categoryPending)) {
      this.categories.add(this.categoryPending);
      this.landed += 1;
    }
    this.categoryPending = null;
  }

  summary(): { editsLost: number; inFlightLanded: number; inFlightLost: number; categoriesCreated: number } {
    return { editsLost: this.lost.size, inFlightLanded: this.landed, inFlightLost: this.dropped, categoriesCreated: this.categories.size };
  }

  problems(): string[] {
    return [...new Set(this.issues)].slice(0, 20);
  }
}

// COCO export of the whole project, using shared/coco's converter (the browser's download and
// the tests' round trips). Import, COCO's and the other formats', is import-methods.ts.
import { projectToCoco, UNASSIGNED_POLICIES } from '../../../shared/coco';
import type { ProjectImageContent } from '../../../shared/coco';
import type { AnnotationStore } from './annotations';
import type { Categories } from './categories';
import type { ImageIndex } from './image-index';
import type { ImageRecords } from './image-records';
import type { Fields } from './validate';
import { oneOf, optionalBoolean } from './validate';

export class CocoMethods {
  constructor(
    private readonly records: ImageRecords,
    private readonly index: ImageIndex,
    private readonly annotations: AnnotationStore,
    private readonly categories: Categories,
  ) {}

  /** Every usable image (natural order) with its saved instances; images with problems are left out. */
  async export(fields: Fields): Promise<{ json: string; imageCount: number; annotationCount: number }> {
    const onlyAccepted = optionalBoolean(fields, 'onlyAccepted', 'onlyAccepted') ?? true;
    const includeScore = optionalBoolean(fields, 'includeScore', 'includeScore') ?? false;
    const onlyDone = optionalBoolean(fields, 'onlyDone', 'onlyDone') ?? false;
    const unassigned = fields.unassigned === undefined ? 'object' : oneOf(fields.unassigned, 'unassigned', UNASSIGNED_POLICIES);
    const images: ProjectImageContent[] = [];
    for (const entry of this.index.all()) {
      const record = await this.records.get(entry.id);
      if (record.problem || record.width === undefined || record.height === undefined) continue;
      // A damaged sidecar fails the export (CORRUPT_FILE) rather than exporting the image silently empty.
      const saved = await this.annotations.get(entry.id);
      if (onlyDone && saved.status !== 'done') continue;
      images.push({ fileName: entry.id, width: record.width, height: record.height, instances: saved.instances });
    }
    const dataset = projectToCoco({ images, categories: this.categories.list(), onlyAccepted, includeScore, unassigned });
    return { json: JSON.stringify(dataset), imageCount: dataset.images.length, annotationCount: dataset.annotations.length };
  }
}

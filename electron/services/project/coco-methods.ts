// COCO export and import over the project (placeholder until shared/coco's converters land).
import { ApiError } from '../../../shared/api/errors';
import type { AnnotationStore } from './annotations';
import type { Categories } from './categories';
import type { ImageIndex } from './image-index';
import type { ImageRecords } from './image-records';
import type { Fields } from './validate';

export class CocoMethods {
  constructor(
    private readonly records: ImageRecords,
    private readonly index: ImageIndex,
    private readonly annotations: AnnotationStore,
    private readonly categories: Categories,
  ) {}

  async export(_fields: Fields): Promise<{ json: string; imageCount: number; annotationCount: number }> {
    void this.records; void this.index; void this.annotations; void this.categories;
    throw new ApiError('INTERNAL', 'COCO export is not wired yet.', {});
  }

  async import(_fields: Fields): Promise<{ imageCount: number; annotationCount: number; skippedImages: string[] }> {
    throw new ApiError('INTERNAL', 'COCO import is not wired yet.', {});
  }
}

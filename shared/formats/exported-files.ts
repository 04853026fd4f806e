// What an export produces, before anything touches a disk: files as text or as instance maps for
// the node side to encode (PNG needs zlib, which shared/ does not have), and where the format wants
// each image. Paths are POSIX, relative to the export folder.

export type ExportFormat = 'coco' | 'yolo-seg' | 'labelme' | 'masks';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['coco', 'yolo-seg', 'labelme', 'masks'];

/**
 * A single-channel image of instance numbers, row-major (pixel (x, y) at y * width + x):
 * 0 is background, k is the k-th instance of the image's entry in the class map.
 * `data` is a Uint8Array when every value fits in 8 bits, else a Uint16Array.
 */
export interface InstanceMap {
  width: number;
  height: number;
  data: Uint8Array | Uint16Array;
}

export type ExportedFile =
  | { kind: 'text'; path: string; text: string }
  /** To be written as a greyscale PNG of the map's bit depth (8 or 16), values unchanged. */
  | { kind: 'instanceMap'; path: string; map: InstanceMap };

/** Where a format expects an image of the project (the writer copies it there). */
export interface ImageCopy {
  /** Project-relative path of the image (ImageId). */
  fileName: string;
  /** Path inside the export folder. */
  path: string;
}

export interface FormatExport {
  format: ExportFormat;
  files: ExportedFile[];
  /** Images the dataset needs beside its files; empty when the files name the project's own paths (COCO, masks). */
  images: ImageCopy[];
  counts: {
    images: number;
    /** Instances written. */
    instances: number;
    /** Of those, instances without a category, written under "object" (as the COCO export does). */
    unassigned: number;
    classes: number;
  };
  /** Selected instances that could not be written, by reason. */
  skipped: { reason: string; count: number }[];
}

/** Adds one to a reason's count (keeps first-seen order). */
export function countSkipped(skipped: FormatExport['skipped'], reason: string): void {
  const entry = skipped.find((item) => item.reason === reason);
  if (entry) entry.count += 1;
  else skipped.push({ reason, count: 1 });
}

// Dataset formats other than COCO (which lives in shared/coco): YOLO segmentation, LabelMe JSON and
// instance-mask PNGs out; YOLO and LabelMe in, and which format a user's chosen files hold. Pure (no Node, no DOM): exports return file
// contents, imports take file contents, and the node side reads and writes the disk.
export type { ExportFormat, ExportedFile, FormatExport, ImageCopy, InstanceMap } from './exported-files';
export { EXPORT_FORMATS } from './exported-files';
export { exportProject, COCO_FILE_NAME, OMITTED_UNASSIGNED_REASON } from './export-project';
export { selectForExport } from './selection';
export { exportedStatuses } from '../api/instance-status';
export type { ExportClass, ExportSelection, SelectedImage, SelectedInstance } from './selection';
export { holeFreeParts, joinRings } from './outlines';
export { projectToYolo, yoloLabelPath } from './yolo-export';
export { yoloToProject, yoloImageStem, instanceIdForYoloLine } from './yolo-import';
export type { YoloImport, YoloLabelFile } from './yolo-import';
export { parseYoloNames, writeDataYaml } from './yolo-yaml';
export { projectToLabelme, LABELME_VERSION } from './labelme-export';
export type { LabelmeFileContent, LabelmeShape } from './labelme-export';
export { labelmeToProject, instanceIdForLabelmeShape } from './labelme-import';
export type { LabelmeImport, LabelmeJsonFile } from './labelme-import';
export { IMPORT_FORMATS, detectImportFormat, isImportCandidate, parseImportJson, selectImportFiles } from './import-files';
export type { ImportFile, ImportFormat, ImportSelection } from './import-files';
export { projectToInstanceMasks, paintInstances, CLASS_MAP_PATH } from './instance-masks';
export type { InstanceMaskClassMap } from './instance-masks';

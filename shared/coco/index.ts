// COCO for MaskPilot: schema, validation, import/export, proposal evaluation. Pure (no Node, no DOM).
export type {
  CocoAnnotation,
  CocoBbox,
  CocoCategory,
  CocoDataset,
  CocoImage,
  CocoInfo,
  CocoLicense,
  CocoPolygons,
  CocoRle,
  CocoSegmentation,
  CocoUncompressedRle,
} from './schema';
export { isCompressedRle, isPolygonSegmentation } from './schema';
export { parseCocoDataset } from './validate';
export { segmentationToRle } from './segmentation';
export { cocoToProject, instanceIdForAnnotation, annotationIdOfInstance } from './import';
export type { ProjectContent, ProjectImageContent } from './import';
export { projectToCoco, UNASSIGNED_CATEGORY_NAME, UNASSIGNED_POLICIES } from './export';
export type { ProjectExportInput, UnassignedPolicy } from './export';
export { paletteColor } from './colors';
export { parseCocoProposals } from './results';
export type { Proposal } from './results';
export { evaluateProposals, COCO_AR_PARAMS } from './evaluate';
export type { ArParams, ArReport, AreaRangeName, EvaluationImage, GroundTruthMask, ScoredMask } from './evaluate';
export { evaluateCocoProposals } from './evaluate-coco';
export { evaluationImageFromInstances } from './evaluate-instances';
export type { ScoredInstanceMask } from './evaluate-instances';
export { findJsonSyntaxError } from './json-syntax';
export type { JsonSyntaxError } from './json-syntax';

// The project store's public surface: open a folder, get the API over it.
export { openProject, MAX_PAGE_SIZE } from './project-service';
export type { OpenProjectOptions, ProjectService } from './project-service';
export { SIDECAR_DIR_NAME } from './folder-scan';
export { describeBundledModel, scanBundledModels } from './learning/bundled-models';
export type { BundledModel } from './learning/bundled-models';

// The shape of each method's one parameter object, checked in main before the service sees it.
// Deliberately shallow (field names and primitive kinds): the project service validates meaning
// (ranges, ids, instance geometry) for every transport. The mapped type below makes the compiler
// demand a schema for every field of every method in the contract, so the allowlist cannot drift.
import type { ApiMethodName, ApiParams } from '../../shared/api/contract';

export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

export interface FieldSpec {
  kind: FieldKind;
  optional?: true;
}

/** One spec per field of P; `Record<string, never>` params (no fields) take `{}`. */
export type ParamSchema<P> = { [K in keyof P]-?: FieldSpec };

const required = (kind: FieldKind): FieldSpec => ({ kind });
const optional = (kind: FieldKind): FieldSpec => ({ kind, optional: true });

export const PARAM_SCHEMAS: { readonly [M in ApiMethodName]: ParamSchema<ApiParams<M>> } = {
  getProject: {},
  listImages: { offset: required('integer'), limit: required('integer') },
  getImage: { imageId: required('string') },
  getAnnotations: { imageId: required('string') },
  saveAnnotations: {
    imageId: required('string'),
    instances: required('array'),
    status: optional('string'),
    baseRevision: optional('integer'),
  },
  listCategories: {},
  saveCategory: { id: optional('integer'), name: required('string'), color: optional('string') },
  deleteCategory: { id: required('integer') },
  getModelStatus: {},
  propose: { imageId: required('string'), maxProposals: optional('integer') },
  segmentAt: { imageId: required('string'), clicks: required('array'), box: optional('object'), previousMask: optional('object'), scaleIndex: optional('integer') },
  exportCoco: { onlyAccepted: optional('boolean') },
  importCoco: { json: required('string') },
  proposeAll: { maxProposals: optional('integer') },
  cancelJob: { jobId: required('string') },
  listModelVersions: {},
  activateModelVersion: { id: required('string') },
  fineTune: { steps: optional('integer') },
  getLearningState: {},
  saveLearningSettings: { autoFineTune: optional('boolean'), correctionsPerFineTune: optional('integer') },
  getVersionStats: {},
};

/** Whether `value` is of `kind`; numbers must be finite (NaN and Infinity are not JSON). */
export function matchesKind(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
}

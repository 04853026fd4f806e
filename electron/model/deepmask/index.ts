// DeepMask (Pinheiro et al. 2015) on the frozen stride-16 trunk: the registry's entry.
import { fineTuneDeepMask } from '../finetune/finetune';
import { createDeepMask, defaultModelDir, type DeepMaskOptions } from './model';
import type { ModelDescriptor } from '../model-descriptor';

export const deepmaskModel: ModelDescriptor = {
  id: 'deepmask',
  label: 'DeepMask',
  runtime: 'tfjs',
  bundledDir: defaultModelDir,
  // Weights written before architectures were recorded carry none: they are DeepMask's.
  detect: (meta) => meta.architecture === undefined || meta.architecture === 'deepmask',
  create: ({ modelDir, backend, trunk, settings }) => createDeepMask({ ...(settings as Partial<DeepMaskOptions>), modelDir, backend, trunk }),
  fineTune: (request, options) => fineTuneDeepMask(request, options),
};

// The detector-guided model (prompt-mask head on the trunk detector's boxes, merged with DeepMask's
// windows; interactive segmentation with clicks and boxes): the registry's entry.
import type { ModelDescriptor } from '../model-descriptor';
import { fineTuneGuided } from './finetune';
import { createGuidedModel, defaultGuidedModelDir, GUIDED_ARCHITECTURE, type GuidedOptions } from './model';

export const guidedModel: ModelDescriptor = {
  id: GUIDED_ARCHITECTURE,
  label: 'Detector-guided',
  runtime: 'tfjs',
  bundledDir: defaultGuidedModelDir,
  detect: (meta) => meta.architecture === GUIDED_ARCHITECTURE,
  create: ({ modelDir, backend, settings }) => createGuidedModel({ ...(settings as Partial<GuidedOptions>), modelDir, backend }),
  fineTune: (request, options) => fineTuneGuided(request, options),
};

// InstanceFCN (Dai et al. 2016): 3 x 3 instance-sensitive score maps on the same trunk; the registry's entry.
import type { ModelDescriptor } from '../model-descriptor';
import { INSTANCEFCN_ARCHITECTURE } from './heads';
import { createInstanceFcn, defaultInstanceFcnModelDir, type InstanceFcnOptions } from './model';

export const instanceFcnModel: ModelDescriptor = {
  id: INSTANCEFCN_ARCHITECTURE,
  label: 'InstanceFCN',
  runtime: 'tfjs',
  bundledDir: defaultInstanceFcnModelDir,
  detect: (meta) => meta.architecture === INSTANCEFCN_ARCHITECTURE,
  create: ({ modelDir, backend, trunk, settings }) => createInstanceFcn({ ...(settings as Partial<InstanceFcnOptions>), modelDir, backend, trunk }),
};

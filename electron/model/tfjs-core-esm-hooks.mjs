// Module hooks that let Node load @tensorflow/tfjs-core's per-file ESM build (dist/**/*.js), which is
// written for bundlers: extensionless relative imports and no "type": "module". Used only to load
// dist/register_all_gradients.js (see gradients.ts).
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CORE_DIST = '/@tensorflow/tfjs-core/dist/';

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL ?? '';
  if (parent.includes(CORE_DIST) && (specifier.startsWith('./') || specifier.startsWith('../')) && !specifier.endsWith('.js')) {
    const base = new URL(specifier, parent);
    const path = fileURLToPath(base);
    if (existsSync(`${path}.js`)) return { url: `${base.href}.js`, format: 'module', shortCircuit: true };
    if (existsSync(path) && statSync(path).isDirectory()) return { url: `${base.href}/index.js`, format: 'module', shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (url.includes(CORE_DIST) && url.endsWith('.js') && !url.endsWith('tf-core.node.js')) {
    return nextLoad(url, { ...context, format: 'module' });
  }
  return nextLoad(url, context);
}

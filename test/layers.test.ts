// Enforces the layer rules of STYLE.md by reading every import of every source file:
// shared/ imports only shared/; node-side services never import 'electron'; the renderer never
// imports Node; the preload imports only 'electron' and the API contract; nobody imports
// renderer/, the headless host or electron/main (the CLI, an entry point, may start the host).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { builtinModules } from 'node:module';
import { describe, expect, test } from 'vitest';
import { repoRoot } from './support/shared-data';

const SOURCE = /\.(ts|tsx|mts)$/;
const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (SOURCE.test(name)) out.push(path);
  }
  return out;
}

interface ImportEdge {
  file: string; // repo-relative, POSIX
  specifier: string;
  target: string | null; // repo-relative POSIX path for relative imports, null for packages
}

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const edges: ImportEdge[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2];
    if (!specifier) continue;
    const target = specifier.startsWith('.') ? toPosix(relative(repoRoot, resolve(dirname(file), specifier))) : null;
    edges.push({ file: toPosix(relative(repoRoot, file)), specifier, target });
  }
  return edges;
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
const isNodeBuiltin = (specifier: string) => nodeBuiltins.has(specifier) || specifier.startsWith('node:');
const under = (path: string | null, folder: string) => path !== null && (path === folder || path.startsWith(`${folder}/`));
const isTest = (file: string) => /\.test\.tsx?$/.test(file);

const files = ['shared', 'electron', 'renderer'].flatMap((folder) => walk(join(repoRoot, folder)));
const edges = files.flatMap(importsOf);

function violations(predicate: (edge: ImportEdge) => boolean): string[] {
  return edges.filter(predicate).map((edge) => `${edge.file} imports '${edge.specifier}'`);
}

describe('layer rules (STYLE.md)', () => {
  test('the scan sees the code base', () => {
    expect(files.length).toBeGreaterThan(5);
    expect(edges.some((edge) => edge.file === 'shared/api/contract.ts')).toBe(true);
  });

  test('shared/ imports only shared/ (no Node, no DOM, no packages)', () => {
    const bad = violations(
      (edge) => edge.file.startsWith('shared/') && !isTest(edge.file) && !(edge.target !== null && under(edge.target, 'shared')),
    );
    expect(bad).toEqual([]);
  });

  test("node-side services never import 'electron'", () => {
    const bad = violations(
      (edge) =>
        edge.file.startsWith('electron/') &&
        !edge.file.startsWith('electron/main/') &&
        !edge.file.startsWith('electron/preload/') &&
        (edge.specifier === 'electron' || edge.specifier.startsWith('electron/')),
    );
    expect(bad).toEqual([]);
  });

  // renderer/vite.config.ts is build tooling that runs in Node; the app's code is renderer/src/.
  test('the renderer never imports Node or node-side code', () => {
    const bad = violations(
      (edge) =>
        edge.file.startsWith('renderer/src/') &&
        !isTest(edge.file) &&
        (isNodeBuiltin(edge.specifier) || edge.specifier === 'electron' || under(edge.target, 'electron')),
    );
    expect(bad).toEqual([]);
  });

  test('the preload imports only electron and the API contract', () => {
    const bad = violations(
      (edge) =>
        edge.file.startsWith('electron/preload/') &&
        !isTest(edge.file) &&
        !(edge.specifier === 'electron' || under(edge.target, 'shared/api') || under(edge.target, 'electron/preload') || under(edge.target, 'electron/ipc')),
    );
    expect(bad).toEqual([]);
  });

  test('nobody imports renderer/, the headless host or electron/main from outside', () => {
    const bad = violations(
      (edge) =>
        !isTest(edge.file) &&
        ((under(edge.target, 'renderer') && !edge.file.startsWith('renderer/')) ||
          (under(edge.target, 'electron/main') && !edge.file.startsWith('electron/main/')) ||
          (under(edge.target, 'electron/host') && !edge.file.startsWith('electron/host/') && !edge.file.startsWith('electron/cli/'))),
    );
    expect(bad).toEqual([]);
  });
});

/** The source file an import resolves to (extension and index files tried), or null for packages. */
function resolveTarget(target: string | null): string | null {
  if (target === null) return null;
  for (const candidate of [target, `${target}.ts`, `${target}.tsx`, `${target}/index.ts`, `${target}/index.tsx`]) {
    if (sourceFiles.has(candidate)) return candidate;
  }
  return null;
}
const sourceFiles = new Set(files.map((file) => toPosix(relative(repoRoot, file))));

describe('import direction (issue #15)', () => {
  test('no import cycles between source files', () => {
    const graph = new Map<string, string[]>();
    for (const edge of edges) {
      if (isTest(edge.file)) continue;
      const target = resolveTarget(edge.target);
      if (target && !isTest(target)) graph.set(edge.file, [...(graph.get(edge.file) ?? []), target]);
    }
    // Depth-first search; a back edge closes a cycle, reported as the files along it.
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const stack: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  test('tools never import the app layer; the app layer never imports views (canvas, ui)', () => {
    const bad = violations(
      (edge) =>
        !isTest(edge.file) &&
        ((edge.file.startsWith('renderer/src/tools/') && under(edge.target, 'renderer/src/app')) ||
          (edge.file.startsWith('renderer/src/app/') && (under(edge.target, 'renderer/src/canvas') || under(edge.target, 'renderer/src/ui')))),
    );
    expect(bad).toEqual([]);
  });

  test('model inference never imports training code (trainers import the inference pipeline, not the reverse)', () => {
    const training = (path: string | null) =>
      path !== null && (/^electron\/model\/(training|sampler|finetune)\//.test(path) || /^electron\/model\/[^/]+\/training\//.test(path) || /\/(finetune|trainer|loss)(\.ts)?$/.test(path));
    // What may join the two: the registry's per-model descriptors, the learner, and the trainers themselves.
    const glue = (file: string) => training(file) || /^electron\/model\/([^/]+\/)?index\.ts$/.test(file) || /^electron\/model\/(learner|registry)\.ts$/.test(file);
    const bad = violations((edge) => edge.file.startsWith('electron/model/') && !isTest(edge.file) && !glue(edge.file) && training(edge.target));
    expect(bad).toEqual([]);
  });
});

// `node --import ./register-electron-stub.mjs dist/electron/main.js <folder>` runs the bundled main
// process under plain Node with 'electron' resolved to electron-stub.mjs (used by bundle.test.ts,
// because no Electron binary exists on these machines or in CI).
import { register } from 'node:module';

register('./electron-stub-hooks.mjs', import.meta.url);

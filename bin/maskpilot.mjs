#!/usr/bin/env node
// Entry of the `maskpilot` command: registers tsx so the TypeScript sources run as they are,
// then hands over to the CLI's dispatcher.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

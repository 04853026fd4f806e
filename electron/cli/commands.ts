// The list of CLI commands. Each command is a module of its own; add it here.
import type { CliCommand } from './command';

export const commands: CliCommand[] = [];

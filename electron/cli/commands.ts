// The list of CLI commands. Each command is a module of its own; add it here.
import type { CliCommand } from './command';
import { hostCommand } from './host-command';
import { evaluateCommand } from './evaluate-command';
import { trainCommand } from './train-command';
import { proposeCommand } from './propose-command';
import { segmentAtCommand } from './segment-at-command';

export const commands: CliCommand[] = [
  hostCommand,
  evaluateCommand,
  trainCommand,
  proposeCommand,
  segmentAtCommand,
];

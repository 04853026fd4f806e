// The CLI's dispatcher: `maskpilot <command> [args]`. Each command lives in its own module and
// registers here; `--help` lists them, `--version` prints package.json's version.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commands } from './commands';

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const entry = commands.find((candidate) => candidate.name === name);
  if (!entry) {
    process.stderr.write(`maskpilot: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`maskpilot ${name}: ${message}\n`);
    return 1;
  }
}

/** MaskPilot's version: the `version` field of the repository's package.json (e.g. `0.1.0`). */
export function version(): string {
  const packageJson = fileURLToPath(new URL('../../package.json', import.meta.url));
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

function usage(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return (
    `Usage: maskpilot <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n` +
    `Options:\n  -h, --help     print this help\n  -v, --version  print the version (${version()}) and exit\n\n` +
    `Run 'maskpilot <command> --help' for a command's options.\n`
  );
}

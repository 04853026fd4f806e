/** One CLI command. `run` returns the process exit code (0 ok, 1 failure, 2 usage error). */
export interface CliCommand {
  name: string;
  /** One line for `maskpilot --help`. */
  summary: string;
  /** Full usage text for `maskpilot <name> --help`. */
  usage: string;
  run(argv: string[]): Promise<number>;
}

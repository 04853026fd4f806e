// Entry of the bundled host the reliability tests start and SIGKILL dozens of times: exactly the
// `maskpilot host` command (electron/cli/host-command.ts), without the CLI's other commands (the
// trainer pulls in tfjs, seconds of module loading per start) and without tsx compiling the
// sources on every start. The code under test is the same; only the start-up cost differs.
import { hostCommand } from '../../../electron/cli/host-command';

process.exitCode = await hostCommand.run(process.argv.slice(2));

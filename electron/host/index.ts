// The headless host's public surface (used by the CLI only; nothing else imports the host).
export { startHost, DEFAULT_STATIC_DIR } from './start-host';
export type { HostOptions, RunningHost } from './start-host';
export type { HostService } from './host-service';
export { isLoopbackAddress } from './bind-address';

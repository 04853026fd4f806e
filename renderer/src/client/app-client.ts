// The client the renderer holds, whichever shell it runs in: the API contract's MaskPilotClient
// plus what differs between shells (which transport, connection state, closing).
import type { MaskPilotClient, Unsubscribe } from '../../../shared/api/contract';
import type { AppCommand } from '../../../shared/api/bridge';
import type { ConnectionState } from './reconnecting-socket';

export interface AppClient extends MaskPilotClient {
  /** 'websocket' in a browser on the headless host, 'electron' in the desktop app. */
  readonly transport: 'websocket' | 'electron';
  /** 'open' while calls can reach the node side; the desktop app is always 'open'. */
  connectionState(): ConnectionState;
  /** Told of drops and reconnects, e.g. to show "reconnecting..." and to refetch after a reconnect. */
  onConnectionChange(listener: (state: ConnectionState) => void): Unsubscribe;
  close(): void;
  /** Menu commands from the desktop shell; absent in the browser (no shell, no menus). */
  onCommand?(listener: (command: AppCommand) => void): Unsubscribe;
}

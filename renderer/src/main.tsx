// Entry: connect to the node side (Electron bridge or the headless host's WebSocket), build the
// controller, render the app.
import { createRoot } from 'react-dom/client';
import { createClient } from './client';
import { ControllerContext } from './app/context';
import { createController } from './app/controller';
import type { Controller } from './app/controller';
import { App } from './ui/App';
import './styles.css';

declare global {
  interface Window {
    /** The running editor, for end-to-end tests and benchmarks to read state (never to write it). */
    maskpilotEditor?: Controller;
  }
}

async function boot(root: HTMLElement) {
  const reactRoot = createRoot(root);
  try {
    const client = await createClient();
    const controller = createController(client);
    window.maskpilotEditor = controller;
    reactRoot.render(
      <ControllerContext.Provider value={controller}>
        <App />
      </ControllerContext.Provider>,
    );
    await controller.start();
  } catch (error) {
    reactRoot.render(
      <div className="fatal">
        <h1>MaskPilot could not start</h1>
        <p>{error instanceof Error ? error.message : String(error)}</p>
        <p className="muted">Open the URL printed by <code>maskpilot host</code> (it carries the access token).</p>
      </div>,
    );
  }
}

const root = document.getElementById('root');
if (root) void boot(root);

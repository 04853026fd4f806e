// A typed event hub for ApiEvents. A throwing listener is reported and never stops the others or
// the operation that emitted the event (a closed WebSocket must not fail a save).
import type { ApiEventName, ApiEvents, Unsubscribe } from '../../../shared/api/contract';

type Listener<E extends ApiEventName> = (payload: ApiEvents[E]) => void;

export class ApiEventHub {
  private readonly listeners = new Map<ApiEventName, Set<(payload: never) => void>>();

  on<E extends ApiEventName>(event: E, listener: Listener<E>): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as Listener<E>)(payload);
      } catch (error) {
        console.error(`maskpilot: a listener of ${event} threw:`, error);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

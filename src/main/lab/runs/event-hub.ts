import type { EventListener, EventName, EventPayload } from '../../../shared/contract/contract'

/** Fans engine events out to every face that listens (a window, an SSE stream, a CLI). */
export class EventHub {
  private readonly listeners = new Set<EventListener>()

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) {
      try {
        listener(name, payload)
      } catch {
        // one broken listener must not stop the others or the run
      }
    }
  }
}

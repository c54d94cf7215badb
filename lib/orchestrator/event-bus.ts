import { EventEmitter } from "node:events";
import type { StoredRunEvent } from "./events";

/**
 * In-process notification that a run has new events, so live followers in this
 * process wake at once. Followers in other processes poll the event table; the
 * table, not this bus, is the source of truth.
 */
export class RunEventBus {
  private emitter = new EventEmitter().setMaxListeners(0);

  publish(runId: string, event: StoredRunEvent) {
    this.emitter.emit(runId, event);
  }

  subscribe(runId: string, listener: (e: StoredRunEvent) => void): () => void {
    this.emitter.on(runId, listener);
    return () => this.emitter.off(runId, listener);
  }
}

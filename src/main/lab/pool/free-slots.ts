import type { WorkerSlot } from './worker-slot'

/**
 * The threads that can take a task now, in two stacks: idle ones (no task; the most recently
 * freed on top, so a few tasks keep reusing the same warm threads) and open ones (busy, with
 * room for one more task when a thread may hold several). A thread is listed at most once in
 * each; one that changed since it was listed (busy, retiring, stopped) is dropped when taken.
 */
export class FreeSlots {
  private readonly idle: WorkerSlot[] = []
  private readonly open: WorkerSlot[] = []

  constructor(private readonly tasksPerThread: number) {}

  listIdle(slot: WorkerSlot): void {
    if (slot.listedIdle) return
    slot.listedIdle = true
    this.idle.push(slot)
  }

  /** Lists a thread if it has room for one more task. */
  listOpen(slot: WorkerSlot): void {
    if (slot.listedOpen || slot.inFlight.length >= this.tasksPerThread) return
    slot.listedOpen = true
    this.open.push(slot)
  }

  /** A ready thread with no task, if any. */
  takeIdle(): WorkerSlot | undefined {
    for (let slot = this.idle.pop(); slot; slot = this.idle.pop()) {
      slot.listedIdle = false
      if (slot.state === 'ready' && !slot.retiring && slot.inFlight.length === 0) return slot
    }
    return undefined
  }

  /** A ready thread busy with fewer tasks than it may hold, if any. */
  takeOpen(): WorkerSlot | undefined {
    for (let slot = this.open.pop(); slot; slot = this.open.pop()) {
      slot.listedOpen = false
      const held = slot.inFlight.length
      if (slot.state === 'ready' && !slot.retiring && held > 0 && held < this.tasksPerThread) return slot
    }
    return undefined
  }
}

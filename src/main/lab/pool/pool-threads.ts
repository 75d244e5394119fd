import type { WorkerSlot } from './worker-slot'

/**
 * The threads of one pool by where they stand: working (they count towards the size), parked
 * (kept warm for a later grow) and living (not exited yet, those being stopped included).
 * A thread is working or parked, never both.
 */
export class PoolThreads {
  /** Starting or ready, retiring included. */
  readonly working: WorkerSlot[] = []
  readonly parked: WorkerSlot[] = []
  readonly living = new Set<WorkerSlot>()

  add(slot: WorkerSlot): void {
    this.working.push(slot)
    this.living.add(slot)
  }

  /** Working threads that are not retiring. */
  activeCount(): number {
    let count = 0
    for (const slot of this.working) if (!slot.retiring) count++
    return count
  }

  anyStarting(): boolean {
    return this.working.some((s) => s.state === 'starting')
  }

  park(slot: WorkerSlot): void {
    slot.state = 'parked'
    slot.retiring = undefined
    this.forget(slot)
    this.parked.push(slot)
  }

  /** Puts the most recently parked thread back to work, if there is one. */
  unpark(): WorkerSlot | undefined {
    const slot = this.parked.pop()
    if (!slot) return undefined
    slot.state = 'ready'
    this.working.push(slot)
    return slot
  }

  /** Terminates a working or parked thread; false if it was already stopping or gone. */
  stop(slot: WorkerSlot): boolean {
    if (slot.state === 'stopping' || slot.state === 'exited') return false
    slot.state = 'stopping'
    this.forget(slot)
    slot.worker.terminate().catch(() => {})
    return true
  }

  /** Drops a thread that has exited. */
  exited(slot: WorkerSlot): void {
    slot.state = 'exited'
    this.forget(slot)
    this.living.delete(slot)
  }

  /** Takes a thread out of the working and parked ones (the pool's idle and open stacks drop it lazily by its state). */
  private forget(slot: WorkerSlot): void {
    removeItem(this.working, slot)
    removeItem(this.parked, slot)
  }
}

function removeItem<T>(list: T[], item: T): void {
  const index = list.indexOf(item)
  if (index >= 0) list.splice(index, 1)
}

/**
 * A first-in first-out queue that also takes items back at the front: an array read from a
 * head index (so taking the first item does not shift the array), reset once it is emptied.
 * Items that went stale while they waited (a cancelled task) stay in place and are skipped
 * when taken, so dropping one costs nothing.
 */
export class FifoQueue<T> {
  private items: (T | undefined)[] = []
  private head = 0

  constructor(private readonly isStale: (item: T) => boolean = () => false) {}

  /** Items waiting, stale ones included (constant time). */
  get length(): number {
    return this.items.length - this.head
  }

  /** Items waiting that are not stale (walks the queue). */
  liveCount(): number {
    let count = 0
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i]
      if (item !== undefined && !this.isStale(item)) count++
    }
    return count
  }

  push(item: T): void {
    this.items.push(item)
  }

  /** Puts an item before all others. */
  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item
    else this.items.unshift(item)
  }

  /** Takes the oldest item that is not stale, dropping the stale ones before it. */
  shift(): T | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head]
      this.items[this.head++] = undefined
      if (this.head === this.items.length) {
        this.items = []
        this.head = 0
      }
      if (item !== undefined && !this.isStale(item)) return item
    }
    return undefined
  }
}

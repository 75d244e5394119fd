import { describe, expect, it } from 'vitest'
import { FifoQueue } from '../../src/main/lab/pool/fifo-queue'

interface Item {
  name: string
  stale: boolean
}
const item = (name: string, stale = false): Item => ({ name, stale })
const staleQueue = (): FifoQueue<Item> => new FifoQueue<Item>((i) => i.stale)

function drain<T>(queue: FifoQueue<T>): T[] {
  const out: T[] = []
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) out.push(next)
  return out
}

describe('FIFO queue', () => {
  it('takes items in the order they were pushed, and is empty after the last', () => {
    const queue = new FifoQueue<number>()
    for (const n of [3, 1, 2]) queue.push(n)
    expect(queue.length).toBe(3)
    expect(drain(queue)).toEqual([3, 1, 2])
    expect(queue.length).toBe(0)
    expect(queue.shift()).toBeUndefined()
  })

  it('keeps the order across pushes and takes mixed together', () => {
    const queue = new FifoQueue<number>()
    const taken: number[] = []
    for (let n = 0; n < 100; n++) {
      queue.push(n)
      if (n % 3 === 2) taken.push(queue.shift()!, queue.shift()!)
    }
    taken.push(...drain(queue))
    expect(taken).toEqual(Array.from({ length: 100 }, (_, n) => n))
  })

  it('unshift puts an item before all others, after takes and on an empty queue alike', () => {
    const queue = new FifoQueue<string>()
    for (const s of ['a', 'b', 'c']) queue.push(s)
    expect(queue.shift()).toBe('a')
    queue.unshift('x')
    queue.unshift('y')
    expect(drain(queue)).toEqual(['y', 'x', 'b', 'c'])
    queue.unshift('z')
    queue.push('w')
    expect(drain(queue)).toEqual(['z', 'w'])
  })

  it('skips items that went stale while they waited; length counts them, liveCount does not', () => {
    const queue = staleQueue()
    const items = [item('a'), item('b'), item('c'), item('d')]
    for (const i of items) queue.push(i)
    items[0]!.stale = true
    items[2]!.stale = true
    expect(queue.length).toBe(4)
    expect(queue.liveCount()).toBe(2)
    expect(queue.shift()?.name).toBe('b')
    expect(queue.length).toBe(2)
    expect(queue.shift()?.name).toBe('d')
    expect(queue.length).toBe(0)
  })

  it('returns undefined when only stale items are left, and empties itself', () => {
    const queue = staleQueue()
    queue.push(item('a', true))
    queue.push(item('b', true))
    expect(queue.shift()).toBeUndefined()
    expect(queue.length).toBe(0)
    expect(queue.liveCount()).toBe(0)
  })
})

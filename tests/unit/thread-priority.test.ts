import { getPriority } from 'node:os'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { BACKGROUND_NICENESS, createLowered, type ThreadSystem } from '../../src/main/lab/workers/priority'

/** A system whose thread list gains `appearing` when the thing is created; records what was lowered. */
function fakeSystem(platform: NodeJS.Platform, appearing: string[], options: { listFails?: boolean; lowerFails?: boolean } = {}) {
  let threads = ['100', '101']
  const lowered: Array<[number, number]> = []
  let listed = 0
  const system: ThreadSystem = {
    platform,
    threadIds: () => {
      listed++
      if (options.listFails) throw new Error('no /proc here')
      return threads
    },
    lower: (id, niceness) => {
      if (options.lowerFails) throw new Error('EACCES')
      lowered.push([id, niceness])
    },
  }
  const create = () => {
    threads = [...threads, ...appearing]
    return 'created'
  }
  return { system, create, lowered, listedCount: () => listed }
}

describe('createLowered', () => {
  it('lowers the one thread that appeared while the worker was created (Linux)', () => {
    const { system, create, lowered } = fakeSystem('linux', ['107'])
    expect(createLowered(create, system)).toBe('created')
    expect(lowered).toEqual([[107, BACKGROUND_NICENESS]])
  })

  it('touches no thread when more than one appeared, or none', () => {
    for (const appearing of [['107', '108'], []]) {
      const { system, create, lowered } = fakeSystem('linux', appearing)
      expect(createLowered(create, system)).toBe('created')
      expect(lowered).toEqual([])
    }
  })

  it('only creates elsewhere: macOS and Windows would lower the whole app', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const { system, create, lowered, listedCount } = fakeSystem(platform, ['107'])
      expect(createLowered(create, system)).toBe('created')
      expect(listedCount()).toBe(0)
      expect(lowered).toEqual([])
    }
  })

  it('still creates when the threads cannot be listed or lowered', () => {
    const unlisted = fakeSystem('linux', ['107'], { listFails: true })
    expect(createLowered(unlisted.create, unlisted.system)).toBe('created')
    expect(unlisted.lowered).toEqual([])
    const refused = fakeSystem('linux', ['107'], { lowerFails: true })
    expect(createLowered(refused.create, refused.system)).toBe('created')
  })
})

// the worker's first statement reports its niceness, before anything of its own could lower it
const REPORT_PRIORITY = "require('node:worker_threads').parentPort.postMessage(require('node:os').getPriority())"

function firstPriorityOf(worker: Worker): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  }).finally(() => void worker.terminate())
}

describe.runIf(process.platform === 'linux' && getPriority() < BACKGROUND_NICENESS)('a real worker thread (Linux)', () => {
  it('runs lowered from its first statement when created through createLowered', async () => {
    expect(await firstPriorityOf(createLowered(() => new Worker(REPORT_PRIORITY, { eval: true })))).toBe(BACKGROUND_NICENESS)
  })

  it('starts at the priority of the thread that creates it otherwise (why it is lowered from outside)', async () => {
    expect(await firstPriorityOf(new Worker(REPORT_PRIORITY, { eval: true }))).toBe(getPriority())
  })
})

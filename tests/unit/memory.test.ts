import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { watchResources } from '../../src/main/lab/measure/memory'
import { nextEvent, testLab } from './helpers/lab'

const MIB = 1024 * 1024
const labs: ReturnType<typeof testLab>[] = []
afterEach(async () => {
  await Promise.all(labs.splice(0).map((lab) => lab.shutdown()))
})

describe.runIf(process.platform === 'linux')('peak memory of a run', () => {
  it("reads a child's peak resident set from /proc while it runs, and the engine's", async () => {
    const watch = await watchResources(25)
    // touches 96 MiB (Buffer.alloc fills it), then holds it for a while
    const child = spawn(process.execPath, ['-e', 'const b = Buffer.alloc(96 * 1024 * 1024, 1); setTimeout(() => b.length, 600)'], { stdio: 'ignore' })
    await once(child, 'exit')
    const resources = await watch.stop()
    expect(resources.children.available).toBe(true)
    expect(resources.children.seen).toBeGreaterThanOrEqual(1)
    const mine = resources.children.largest.find((c) => c.pid === child.pid)
    expect(mine?.command).toBe('node')
    expect(mine!.peakRssBytes).toBeGreaterThan(96 * MIB)
    expect(resources.enginePeakRssBytes).toBeGreaterThan(10 * MIB)
    expect(resources.engineMaxRssLifetimeBytes).toBeGreaterThanOrEqual(resources.enginePeakRssBytes * 0.5)
    expect(await watch.stop()).toBe(resources)
  })

  it('does not count processes that were running before the watch began', async () => {
    // both run for many sampling intervals of the same watch: only the one started during it counts
    const before = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 700)'], { stdio: 'ignore' })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const watch = await watchResources(25)
    const during = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 400)'], { stdio: 'ignore' })
    await Promise.all([once(before, 'exit'), once(during, 'exit')])
    const resources = await watch.stop()
    const counted = resources.children.largest.map((c) => c.pid)
    expect(counted).toContain(during.pid)
    expect(counted).not.toContain(before.pid)
    expect(resources.children.seen).toBe(1)
  })

  it('the run manager records memory and measurement warnings with every result', async () => {
    const lab = testLab()
    labs.push(lab)
    // the helpers run while the run does, as in the desktop app, which starts them at launch
    await lab.spawners.ready()
    let runId = ''
    const finished = nextEvent(lab, 'runFinished', () => runId)
    runId = lab.runs.start('fanout', { children: 2, seconds: 0.3, runs: 1, warmup: 0, sweep: false }).runId
    const { result } = await finished
    expect(result.resources?.children.seen).toBeGreaterThanOrEqual(2)
    expect(result.resources?.children.largest[0]?.peakRssBytes).toBeGreaterThan(0)
    expect(result.resources?.enginePeakRssBytes).toBeGreaterThan(0)
    // the lab's spawner helpers are its processes, not the run's children: the children count, the helpers do not
    const helpers = lab.spawners.pids()
    expect(helpers.length).toBeGreaterThan(0)
    expect(result.resources?.children.largest.map((c) => c.pid).filter((pid) => helpers.includes(pid))).toEqual([])
    expect(result.resources?.children.largest.every((c) => c.command === 'sleep' || c.command === 'node')).toBe(true)
    // one measured run each: the advice about too few runs comes from the run manager, not the experiment
    expect(result.warnings.find((w) => w.code === 'few-runs')?.message).toBe('Serial and Parallel had one measured run, so there is no 95% interval. Use at least 5 runs for numbers you can compare.')
    const saved = await lab.store.load(runId)
    expect(saved.resources).toEqual(result.resources)
  })
})

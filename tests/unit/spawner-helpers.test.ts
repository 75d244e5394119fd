import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { builtinSleep, builtinStubbornSleep, nodeCommand } from '../../src/main/lab/processes/node-program'
import { SpawnerHelpers } from '../../src/main/lab/processes/spawner-helpers'
import { testLab, testPaths } from './helpers/lab'
import { nativeAddon, nativeAddonPath } from './helpers/launchers'
import { descendantsOf, processAlive } from './helpers/processes'

const script = join(testPaths.workersDir, 'spawner.js')
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  while (performance.now() < deadline) {
    if (check()) return true
    await sleep(25)
  }
  return check()
}

/** Helpers given no addon start children the Node way; given the built addon, with vfork (where it loads). */
const helperLaunchers = [
  { launcher: 'node' as const, nativeSpawnAddon: undefined },
  ...(nativeAddon.addon ? [{ launcher: 'vfork' as const, nativeSpawnAddon: nativeAddonPath }] : []),
]

describe.each(helperLaunchers)('spawner helpers starting children with $launcher', ({ launcher, nativeSpawnAddon }) => {
  const opened: SpawnerHelpers[] = []
  const helpers = (count = 2): SpawnerHelpers => {
    const made = new SpawnerHelpers({ script, count, nativeSpawnAddon })
    opened.push(made)
    return made
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((made) => made.close()))
  })

  it('runs a child in a helper process and reports it on this process\'s clock', async () => {
    const spawners = helpers(1)
    await spawners.ready()
    const before = performance.now()
    const outcome = await spawners.run({ ...nodeCommand("setTimeout(() => { process.stdout.write('out'); process.stderr.write('err'); process.exitCode = 3 }, 200)") })
    const after = performance.now()
    expect(outcome.exitCode).toBe(3)
    expect(outcome.launcher).toBe(launcher)
    expect(spawners.launchers()).toEqual([expect.objectContaining({ launcher })])
    expect(outcome.stdout.text).toBe('out')
    expect(outcome.stderr.text).toBe('err')
    expect(outcome.helperPid).toBe(spawners.pids()[0])
    expect(outcome.pid).not.toBe(process.pid)
    // every time lies inside this call, in order, and the child's 200 ms wait shows as such
    expect(outcome.startedAtMs).toBeGreaterThanOrEqual(before)
    expect(outcome.runningAtMs!).toBeGreaterThanOrEqual(outcome.startedAtMs)
    expect(outcome.exitedAtMs).toBeGreaterThanOrEqual(outcome.runningAtMs! + 195)
    expect(outcome.closedAtMs).toBeGreaterThanOrEqual(outcome.exitedAtMs)
    expect(outcome.closedAtMs).toBeLessThanOrEqual(after)
  })

  it('spreads children started together over the helpers, which start them side by side', async () => {
    const spawners = helpers(2)
    await spawners.ready()
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => spawners.run(builtinSleep(0.3))))
    expect(outcomes.every((o) => o.exitCode === 0)).toBe(true)
    const byHelper = new Map<number, number>()
    for (const o of outcomes) byHelper.set(o.helperPid!, (byHelper.get(o.helperPid!) ?? 0) + 1)
    expect([...byHelper.values()]).toEqual([3, 3])
  })

  it('answers each child of a burst with its own outcome (a burst travels as one batch each way)', async () => {
    const spawners = helpers(2)
    await spawners.ready()
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => spawners.run({ file: 'echo', args: [`child ${i}`] })))
    expect(outcomes.map((o) => o.stdout.text)).toEqual(Array.from({ length: 40 }, (_, i) => `child ${i}\n`))
    expect(new Set(outcomes.map((o) => o.pid)).size).toBe(40)
  })

  it('runs a burst of copies as one request each where children start in the helpers (other systems), and stops at a cancel', async () => {
    const spawners = helpers(2)
    await spawners.ready()
    const outcomes = await spawners.runAll({ file: 'echo', args: ['copy'] }, 10)
    expect(outcomes.map((o) => o.stdout.text)).toEqual(Array.from({ length: 10 }, () => 'copy\n'))
    expect(outcomes.every((o) => o.helperPid !== undefined && o.launcher === launcher)).toBe(true)
    const controller = new AbortController()
    controller.abort()
    expect(await spawners.runAll({ file: 'echo', args: ['never'], signal: controller.signal }, 5)).toEqual([])
  })

  it('reports a missing program as data, as runChild does', async () => {
    const outcome = await helpers(1).run({ file: 'no-such-program-concurrency-lab' })
    expect(outcome.launcher).toBe(launcher)
    expect(outcome.startError?.code).toBe('program-not-found')
    expect(outcome.argv).toEqual(['no-such-program-concurrency-lab'])
  })

  it('times out and escalates to SIGKILL inside the helper', async () => {
    // the timeout leaves a loaded machine time to start Node and install the SIGTERM handler
    const outcome = await helpers(1).run({ ...builtinStubbornSleep(10), timeoutMs: 1500, killGraceMs: 200 })
    expect(outcome.timedOut).toBe(true)
    expect(outcome.forcedKill).toBe(true)
    expect(outcome.signal).toBe('SIGKILL')
    // the timeout counts from the helper's spawn call (on a busy machine the child may run some ms later)
    expect(outcome.terminationRequestedAtMs! - outcome.spawnCalledAtMs!).toBeGreaterThanOrEqual(1499)
  })

  it('cancels a child through the run\'s signal, and one whose signal had already aborted', async () => {
    const spawners = helpers(1)
    const controller = new AbortController()
    const pending = spawners.run({ ...builtinSleep(10), signal: controller.signal })
    await sleep(300)
    controller.abort()
    const outcome = await pending
    expect(outcome.cancelled).toBe(true)
    expect(outcome.signal).toBe('SIGTERM')
    expect(processAlive(outcome.pid!)).toBe(false)
    const late = await spawners.run({ ...builtinSleep(10), signal: controller.signal })
    expect(late.cancelled).toBe(true)
  })

  it('reports the children of a helper that died as failed, and replaces the helper', async () => {
    const spawners = helpers(1)
    await spawners.ready()
    const [helperPid] = spawners.pids()
    const pending = spawners.run(builtinSleep(10))
    expect(await waitUntil(() => descendantsOf(helperPid).length > 0)).toBe(true)
    const orphans = descendantsOf(helperPid)
    // the guarantee is for the children a helper has told the lab about
    expect(await waitUntil(() => orphans.every((pid) => spawners.childPids().includes(pid)))).toBe(true)
    process.kill(helperPid!, 'SIGKILL')
    const outcome = await pending
    expect(outcome.startError?.message).toMatch(/helper process that started this child ended unexpectedly \(SIGKILL\); the lab stopped the child/)
    // SIGKILL gave the helper no chance to end its child: the lab did, from the pid the helper had reported
    expect(orphans.length).toBeGreaterThan(0)
    expect(await waitUntil(() => !orphans.some(processAlive))).toBe(true)
    const next = await spawners.run(nodeCommand('0'))
    expect(next.exitCode).toBe(0)
    expect(next.helperPid).not.toBe(helperPid)
  })

  it('close ends the helpers and every child they still ran', async () => {
    const spawners = helpers(2)
    const pending = [spawners.run(builtinSleep(10)), spawners.run(builtinSleep(10))]
    // helpers boot in a few hundred ms on a quiet machine, seconds on a busy one
    expect(await waitUntil(() => spawners.pids().flatMap((pid) => descendantsOf(pid)).length >= 2)).toBe(true)
    const pids = spawners.pids()
    const children = pids.flatMap((pid) => descendantsOf(pid))
    expect(children.length).toBeGreaterThanOrEqual(2)
    await spawners.close()
    expect(pids.some(processAlive)).toBe(false)
    expect(await waitUntil(() => !children.some(processAlive))).toBe(true)
    const outcomes = await Promise.all(pending)
    expect(outcomes.every((o) => o.exitCode !== 0)).toBe(true)
    await expect(spawners.ready()).rejects.toThrow(/closed/)
  })

  it('outlives no crash of the process that uses it: a helper whose parent was killed ends its children and itself', async () => {
    // a stand-in for the app, killed with SIGKILL: no handler of its own runs
    const parentScript = `
      const { fork } = require('node:child_process')
      const helper = fork(${JSON.stringify(script)}, ${JSON.stringify(nativeSpawnAddon === undefined ? [] : [nativeSpawnAddon])}, { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
      helper.on('message', (m) => { if (m.type === 'ready') { helper.send({ type: 'run', id: 1, spec: { file: process.execPath, args: ['-e', 'setTimeout(() => {}, 30000)'] } }); console.log(helper.pid) } })`
    const parent = spawn(process.execPath, ['-e', parentScript], { stdio: ['ignore', 'pipe', 'inherit'] })
    const helperPid = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))))
    expect(await waitUntil(() => descendantsOf(helperPid).length > 0)).toBe(true)
    const [childPid] = descendantsOf(helperPid)
    parent.kill('SIGKILL')
    expect(await waitUntil(() => !processAlive(helperPid))).toBe(true)
    expect(await waitUntil(() => !processAlive(childPid!))).toBe(true)
  })

  it('keeps its own ELECTRON_RUN_AS_NODE from the commands it runs, unless the command sets it', async () => {
    const saved = process.env.ELECTRON_RUN_AS_NODE
    process.env.ELECTRON_RUN_AS_NODE = '1' // as in the desktop app, where the helpers are Electron acting as Node
    try {
      const spawners = helpers(1)
      await spawners.ready()
      const printIt = { file: process.execPath, args: ['-e', "process.stdout.write(process.env.ELECTRON_RUN_AS_NODE ?? 'absent')"] }
      expect((await spawners.run(printIt)).stdout.text).toBe('absent')
      expect((await spawners.run({ ...printIt, env: { ELECTRON_RUN_AS_NODE: '1' } })).stdout.text).toBe('1')
    } finally {
      if (saved === undefined) delete process.env.ELECTRON_RUN_AS_NODE
      else process.env.ELECTRON_RUN_AS_NODE = saved
    }
  })

  it('refuses a child whose streams the caller wants: that is startChild\'s job', async () => {
    await expect(helpers(1).run({ ...nodeCommand('0'), stdout: 'caller' })).rejects.toThrow(/cannot hand over streams/)
  })

  it('a long-lived host starts its lab\'s helpers at once; other labs wait for the first run that needs them', async () => {
    const eager = testLab({ startSpawnersNow: true })
    const lazy = testLab()
    try {
      expect(await waitUntil(() => eager.spawners.pids().length === eager.spawners.count)).toBe(true)
      expect(lazy.spawners.pids()).toEqual([])
    } finally {
      await Promise.all([eager.shutdown(), lazy.shutdown()])
    }
    expect(eager.spawners.pids()).toEqual([])
  })

  it('says so when its helper program cannot run, instead of waiting for ever', async () => {
    const broken = new SpawnerHelpers({ script: join(testPaths.workersDir, 'no-such-spawner.js'), count: 1 })
    opened.push(broken)
    await expect(broken.run(nodeCommand('0'))).rejects.toThrow(/no-such-spawner\.js\) exited before it was ready \(code 1\)/)
  })
})

describe.skipIf(!nativeAddon.addon)('single children started with vfork from the lab\'s own process (vforkHere)', () => {
  const opened: SpawnerHelpers[] = []
  const starters = (nativeSpawnAddon: string | undefined = nativeAddonPath): SpawnerHelpers => {
    const made = new SpawnerHelpers({ script, count: 1, nativeSpawnAddon, vforkHere: true })
    opened.push(made)
    return made
  }
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((made) => made.close()))
  })

  it('starts the child from this process, says so, and starts no helper for it', async () => {
    const spawners = starters()
    expect(spawners.launchers()).toEqual([expect.objectContaining({ launcher: 'vfork', fromLabProcess: true, reason: expect.stringMatching(/own process/) })])
    const outcome = await spawners.run({ file: 'sh', args: ['-c', 'echo $PPID'] })
    expect(outcome.launcher).toBe('vfork')
    expect(outcome.helperPid).toBeUndefined()
    expect(Number(outcome.stdout.text)).toBe(process.pid)
    expect(spawners.pids()).toEqual([])
  })

  it('counts the children it runs as the lab\'s, and ends them when closed', async () => {
    const spawners = starters()
    const running = spawners.run({ file: 'sleep', args: ['30'] })
    expect(await waitUntil(() => spawners.childPids().length === 1)).toBe(true)
    const [pid] = spawners.childPids()
    expect(descendantsOf()).toContain(pid)
    await spawners.close()
    const outcome = await running
    expect(outcome.signal).toBe('SIGKILL')
    expect(processAlive(pid!)).toBe(false)
    expect(spawners.childPids()).toEqual([])
    await expect(spawners.run({ file: 'true' })).rejects.toThrow(/closed with the lab/)
  })

  it('cancels a child through its signal', async () => {
    const spawners = starters()
    const controller = new AbortController()
    const running = spawners.run({ ...builtinStubbornSleep(30), signal: controller.signal, killGraceMs: 200 })
    await sleep(1500) // time for a loaded machine to start Node and trap SIGTERM
    controller.abort()
    const outcome = await running
    expect(outcome.cancelled).toBe(true)
    expect(outcome.forcedKill).toBe(true)
  })

  it('starts a burst of copies in one loop: each its own child and outcome, started one after another', async () => {
    const spawners = starters()
    const outcomes = await spawners.runAll({ file: 'sh', args: ['-c', 'echo $$'] }, 12)
    expect(outcomes).toHaveLength(12)
    expect(outcomes.every((o) => o.exitCode === 0 && o.launcher === 'vfork')).toBe(true)
    expect(new Set(outcomes.map((o) => o.pid)).size).toBe(12)
    expect(outcomes.map((o) => Number(o.stdout.text))).toEqual(outcomes.map((o) => o.pid))
    const starts = outcomes.map((o) => o.startedAtMs)
    expect(starts).toEqual([...starts].sort((a, b) => a - b))
    expect(spawners.childPids()).toEqual([])
    expect(await spawners.runAll({ file: 'true' }, 0)).toEqual([])
  })

  it('reports every copy of a burst that cannot start, with the reason, and refuses a NUL byte before any child exists', async () => {
    const spawners = starters()
    const missing = await spawners.runAll({ file: 'no-such-program-concurrency-lab' }, 3)
    expect(missing.map((o) => o.startError?.code)).toEqual(['program-not-found', 'program-not-found', 'program-not-found'])
    const refused = await spawners.runAll({ file: 'echo', args: ['a\u0000b'] }, 2)
    expect(refused.every((o) => o.pid === undefined && /NUL byte/.test(o.startError?.message ?? ''))).toBe(true)
  })

  it('stops starting a burst when its signal aborts, and ends the copies already running', async () => {
    const spawners = starters()
    const controller = new AbortController()
    const burst = spawners.runAll({ file: 'sleep', args: ['30'], signal: controller.signal }, 400)
    expect(await waitUntil(() => spawners.childPids().length > 0)).toBe(true)
    controller.abort()
    const outcomes = await burst
    expect(outcomes.length).toBeGreaterThan(0)
    expect(outcomes.length).toBeLessThan(400)
    expect(outcomes.every((o) => o.cancelled && o.signal === 'SIGTERM')).toBe(true)
    expect(outcomes.some((o) => o.pid !== undefined && processAlive(o.pid))).toBe(false)
    expect(spawners.childPids()).toEqual([])
    const late = await spawners.runAll({ file: 'sleep', args: ['30'], signal: controller.signal }, 5)
    expect(late).toEqual([])
  })

  it('falls back to the helpers where the addon does not load', async () => {
    const spawners = starters(join(testPaths.resourcesDir, 'native', 'no-such-addon.node'))
    const outcome = await spawners.run({ file: 'true' })
    expect(outcome.exitCode).toBe(0)
    expect(outcome.launcher).toBe('node')
    expect(outcome.helperPid).toBe(spawners.pids()[0])
    expect(spawners.launchers()).toEqual([expect.objectContaining({ launcher: 'node', reason: expect.stringMatching(/not built/) })])
  })
})

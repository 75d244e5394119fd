import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PythonInfo } from '../../src/shared/model/machine'
import { runWithExeca } from '../../src/main/lab/processes/launchers/execa-launcher'
import { PythonLauncher } from '../../src/main/lab/processes/launchers/python-launcher'
import { probePython } from '../../src/main/lab/machine'
import type { ChildOutcome, ChildSpec } from '../../src/main/lab/processes/run-child'
import { descendantsOf, processAlive } from './helpers/processes'
import { testPaths } from './helpers/lab'

let python: PythonInfo
let pythonLauncher: PythonLauncher | undefined
beforeAll(async () => {
  python = await probePython()
  if (python.found) pythonLauncher = await PythonLauncher.start(python, testPaths.resourcesDir)
})
afterAll(async () => {
  await pythonLauncher?.close()
  expect(descendantsOf()).toEqual([])
})

/** The same behaviour, whichever launcher: each case runs with execa and with Python's subprocess (where Python is). */
const launchers: [string, () => ((spec: ChildSpec) => Promise<ChildOutcome>) | undefined][] = [
  ['execa', () => runWithExeca],
  ['python', () => (pythonLauncher ? (spec) => pythonLauncher!.run(spec) : undefined)],
]

describe.each(launchers)('the %s launcher', (_name, launcherOf) => {
  const run = (spec: ChildSpec, context: { skip(): void }): Promise<ChildOutcome> => {
    const launch = launcherOf()
    if (!launch) context.skip()
    return launch!(spec)
  }

  it('captures output and the exit code, with times in order on the lab’s clock', async (context) => {
    const before = performance.now()
    const outcome = await run({ file: 'sh', args: ['-c', 'echo out; echo err >&2; exit 3'] }, context)
    expect(outcome.exitCode).toBe(3)
    expect(outcome.stdout.text).toBe('out\n')
    expect(outcome.stderr.text).toBe('err\n')
    expect(outcome.startedAtMs).toBeGreaterThanOrEqual(before)
    expect(outcome.spawnReturnedAtMs).toBeGreaterThanOrEqual(outcome.startedAtMs)
    expect(outcome.exitedAtMs).toBeGreaterThanOrEqual(outcome.spawnReturnedAtMs)
    expect(outcome.exitedAtMs).toBeLessThanOrEqual(performance.now())
  })

  it('says in a sentence when the program does not exist', async (context) => {
    const outcome = await run({ file: 'no-such-program-here' }, context)
    expect(outcome.startError?.code).toBe('program-not-found')
    expect(outcome.startError?.message).toMatch(/The program "no-such-program-here" was not found/)
  })

  it('stops a child at its timeout, and a child that ignores SIGTERM with SIGKILL after the grace period', async (context) => {
    const polite = await run({ file: 'sleep', args: ['10'], timeoutMs: 100 }, context)
    expect(polite.timedOut).toBe(true)
    expect(polite.signal).toBe('SIGTERM')
    expect(polite.exitedAtMs - polite.startedAtMs).toBeLessThan(5_000)
    const stubborn = await run({ file: 'sh', args: ['-c', "trap '' TERM; sleep 10"], timeoutMs: 100, killGraceMs: 300 }, context)
    expect(stubborn.timedOut).toBe(true)
    expect(stubborn.forcedKill).toBe(true)
    expect(stubborn.signal).toBe('SIGKILL')
  })

  it('cancels, and leaves none of the child’s own children behind', async (context) => {
    const controller = new AbortController()
    const pending = run({ file: 'sh', args: ['-c', 'sleep 30 & sleep 30; wait'], signal: controller.signal }, context)
    await new Promise((done) => setTimeout(done, 300))
    controller.abort()
    const outcome = await pending
    expect(outcome.cancelled).toBe(true)
    await new Promise((done) => setTimeout(done, 200))
    expect(outcome.pid === undefined || !processAlive(outcome.pid)).toBe(true)
  })

  it('keeps a flood of output bounded and counts the rest', async (context) => {
    const outcome = await run({ file: 'sh', args: ['-c', 'head -c 300000 /dev/zero'], maxCaptureBytes: 1000 }, context)
    expect(outcome.exitCode).toBe(0)
    expect(outcome.stdout.bytes).toBe(300_000)
    expect(outcome.stdout.truncated).toBe(true)
    expect(Buffer.byteLength(outcome.stdout.text)).toBeLessThanOrEqual(1000)
  })
})

describe('Python’s launcher when Python is not usable', () => {
  it('refuses with a sentence where Python 3 is missing', async () => {
    await expect(PythonLauncher.start({ found: false, command: 'python3', reason: '"python3" was not found' }, testPaths.resourcesDir)).rejects.toThrow(/Python 3 is not available/)
  })

  it('says so when the interpreter ends before it is ready', async () => {
    const broken: PythonInfo = { found: true, command: 'false', executable: 'false', version: '3.99' }
    await expect(PythonLauncher.start(broken, testPaths.resourcesDir)).rejects.toThrow(/Python's launcher ended before it was ready/)
  })
})

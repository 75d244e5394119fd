import { describe, expect, it } from 'vitest'
import { builtinEcho, builtinHash, builtinSleep, nodeCommand } from '../../src/main/lab/processes/node-program'
import { startChild } from '../../src/main/lab/processes/run-child'
import { childEnd, spawnAccount } from '../../src/main/lab/processes/report'
import type { ChildOutcome } from '../../src/main/lab/processes/run-child'
import { processGroupGone, reapState } from '../../src/main/lab/processes/reap'
import { launchers } from './helpers/launchers'
import { descendantsOf, processAlive } from './helpers/processes'

const printBytes = (count: number) => nodeCommand(`process.stdout.write(Buffer.alloc(${count}, 7))`)
const countStdin = nodeCommand("let n = 0; process.stdin.on('data', (c) => (n += c.length)).on('end', () => console.log(n))")

describe('startChild (the subprocess manager, streams handed to the caller)', () => {
  it('hands one child\'s stdout to the next as its stdin: the kernel pipe goes straight through', async () => {
    const producer = startChild({ ...printBytes(300_000), stdout: 'caller' })
    const consumer = startChild({ ...countStdin, stdin: producer.stdout! })
    producer.stdout!.destroy() // the parent lets go of its copy
    const [produced, consumed] = await Promise.all([producer.outcome, consumer.outcome])
    expect(produced.exitCode).toBe(0)
    expect(consumed.stdout.text.trim()).toBe('300000')
  })

  it('keeps a caller\'s stdout paused until the caller reads it: nothing is lost meanwhile', async () => {
    // the child prints, then waits for its stdin to close (as openssl does in a pipeline)
    const child = startChild({ ...nodeCommand("process.stdout.write(Buffer.alloc(200000, 7)); process.stdin.resume()"), stdin: 'pipe', stdout: 'caller' })
    await new Promise((resolve) => setTimeout(resolve, 200))
    let bytes = 0
    child.stdout!.on('data', (chunk: Buffer) => (bytes += chunk.length))
    child.stdout!.resume()
    child.stdin!.end()
    await child.outcome
    expect(bytes).toBe(200_000)
  })

  it('gives the caller an open stdin with stdin "pipe"', async () => {
    const hash = startChild({ ...builtinHash('md5'), stdin: 'pipe' })
    hash.stdin!.end('')
    const outcome = await hash.outcome
    expect(outcome.stdout.text).toBe('d41d8cd98f00b204e9800998ecf8427e  -\n')
  })

  it('accounts for children started by spawner helpers: overlapping starts count once, and the app never blocked', () => {
    const started = (askedMs: number, calledMs: number, runningMs: number, helperPid: number): ChildOutcome => ({
      argv: ['sleep', '0.1'],
      startedAtMs: askedMs,
      spawnCalledAtMs: calledMs,
      spawnReturnedAtMs: runningMs,
      runningAtMs: runningMs,
      exitedAtMs: runningMs + 100,
      closedAtMs: runningMs + 100,
      exitCode: 0,
      signal: null,
      timedOut: false,
      cancelled: false,
      forcedKill: false,
      stdout: { text: '', bytes: 0, truncated: false },
      stderr: { text: '', bytes: 0, truncated: false },
      helperPid,
    })
    // side by side: asked at 0, 0.1, 0.2, 0.3; running at 2, 3, 4, 5 ms
    const parallel = spawnAccount([started(0, 0.5, 2, 1), started(0.1, 0.6, 3, 2), started(0.2, 2, 4, 1), started(0.3, 3, 5, 2)], 105)
    expect(parallel.sentence).toMatch(/^2 spawner helper processes started the 4 children, so the app's own thread never waited on a fork/)
    expect(parallel.sentence).toContain('the last child was running 5.0 ms after the first was asked for')
    expect(parallel.share).toBeCloseTo(5 / 105)
    // one after another: each start counts in full
    const serial = spawnAccount([started(0, 0.5, 2, 1), started(102, 102.5, 104, 1)], 204)
    expect(serial.sentence).toMatch(/^A spawner helper process started the 2 children/)
    expect(serial.share).toBeCloseTo(4 / 204)
    expect(serial.perChildMs).toBeCloseTo(1.5)
  })
})

describe.each(launchers)('a child\'s life as the lab records it, started by $name', ({ run: runChild }) => {
  it('records the life of a child in order: requested, spawn returned, running, exited, closed', async () => {
    const outcome = await runChild(builtinEcho(['hi']))
    expect(outcome.pid).toBeGreaterThan(0)
    expect(outcome.stdout.text).toBe('hi\n')
    expect(outcome.spawnReturnedAtMs).toBeGreaterThan(outcome.startedAtMs)
    expect(outcome.runningAtMs!).toBeGreaterThanOrEqual(outcome.spawnReturnedAtMs)
    expect(outcome.exitedAtMs).toBeGreaterThanOrEqual(outcome.runningAtMs!)
    expect(outcome.closedAtMs).toBeGreaterThanOrEqual(outcome.exitedAtMs)
    expect(outcome.terminationRequestedAtMs).toBeUndefined()
  })

  it('notes when it asked a child to stop, and reports the end in Python\'s terms', async () => {
    const outcome = await runChild({ ...builtinSleep(10), timeoutMs: 150 })
    expect(outcome.terminationRequestedAtMs! - outcome.startedAtMs).toBeGreaterThanOrEqual(149)
    const end = childEnd(outcome)
    expect(end).toMatchObject({ kind: 'timed-out', signal: 'SIGTERM', pythonStatus: -15 })
    expect(end.sentence).toMatch(/^killed by SIGTERM after \d+ ms: it ran past its timeout$/)
    expect(await reapState(outcome.pid)).toBe('reaped')
    expect(processGroupGone(outcome.pid)).toBe(true)
  })

  it('ends what a child left behind as soon as the child exits, even if it holds the output pipe', async () => {
    const startedAt = performance.now()
    const outcome = await runChild({ file: '/bin/sh', args: ['-c', 'sleep 30 & echo $!'] })
    expect(performance.now() - startedAt).toBeLessThan(5000)
    const grandchild = Number(outcome.stdout.text.trim())
    expect(grandchild).toBeGreaterThan(0)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(processAlive(grandchild)).toBe(false)
    expect(descendantsOf()).toEqual([])
  })

  it('accounts for the time spent spawning, with the stagger of start times', async () => {
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => runChild(builtinSleep(0.1))))
    const wallMs = Math.max(...outcomes.map((o) => o.exitedAtMs)) - Math.min(...outcomes.map((o) => o.startedAtMs))
    const account = spawnAccount(outcomes, wallMs)
    expect(account.children).toBe(4)
    // the spawn calls run one after another: each child is asked for only after the previous spawn call returned
    const firstThreeMs = outcomes.slice(0, 3).reduce((sum, o) => sum + (o.spawnReturnedAtMs - o.startedAtMs), 0)
    expect(account.startStaggerMs).toBeGreaterThanOrEqual(firstThreeMs)
    expect(account.share).toBeGreaterThan(0)
    expect(account.share).toBeLessThan(1)
  })
})

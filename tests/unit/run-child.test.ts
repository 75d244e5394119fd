import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { getPriority, tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { sessionWeightFile } from '../../src/main/lab/processes/child-priority'
import { describeEnd, runChild } from '../../src/main/lab/processes/run-child'
import { builtinSleep, builtinStubbornSleep, nodeCommand } from '../../src/main/lab/processes/node-program'
import { launchers, nativeAddon, nativeAddonExpected } from './helpers/launchers'
import { processAlive } from './helpers/processes'

it('builds and loads the vfork addon wherever it can be built (Linux with a C compiler)', () => {
  if (nativeAddonExpected) expect(nativeAddon.choice).toMatchObject({ launcher: 'vfork' })
  else expect(nativeAddon.choice.launcher).toBe('node')
})

describe.each(launchers)('runChild, children started by $name', ({ run: runChild }) => {
  it('captures stdout, stderr and the exit code of a real child', async () => {
    const outcome = await runChild(nodeCommand("process.stdout.write('out'); process.stderr.write('err'); process.exit(3)"))
    expect(outcome.stdout.text).toBe('out')
    expect(outcome.stderr.text).toBe('err')
    expect(outcome.exitCode).toBe(3)
    expect(outcome.runningAtMs).toBeGreaterThanOrEqual(outcome.startedAtMs)
    expect(outcome.exitedAtMs).toBeGreaterThanOrEqual(outcome.runningAtMs!)
    expect(describeEnd(outcome)).toBe('exited with code 3')
  })

  it('reports a stream the child never wrote to as empty, beside one it did', async () => {
    const quietOut = await runChild(nodeCommand("process.stderr.write('only err')"))
    expect(quietOut.stdout).toEqual({ text: '', bytes: 0, truncated: false })
    expect(quietOut.stderr).toEqual({ text: 'only err', bytes: 8, truncated: false })
    const silent = await runChild({ ...nodeCommand('0'), maxCaptureBytes: 0 })
    expect([silent.stdout, silent.stderr]).toEqual([{ text: '', bytes: 0, truncated: false }, { text: '', bytes: 0, truncated: false }])
  })

  it('reports a missing program as data with a sentence, without throwing', async () => {
    const outcome = await runChild({ file: 'no-such-program-concurrency-lab' })
    expect(outcome.startError?.code).toBe('program-not-found')
    expect(outcome.startError?.message).toMatch(/"no-such-program-concurrency-lab" was not found/)
  })

  it('keeps a bounded part of a flood and counts the rest', async () => {
    const outcome = await runChild({ ...nodeCommand("process.stdout.write('x'.repeat(1_000_000))"), maxCaptureBytes: 1000 })
    expect(outcome.exitCode).toBe(0)
    expect(outcome.stdout.text).toHaveLength(1000)
    expect(outcome.stdout.bytes).toBe(1_000_000)
    expect(outcome.stdout.truncated).toBe(true)
  })

  it('terminates a child that runs past its timeout with SIGTERM', async () => {
    const outcome = await runChild({ ...builtinSleep(10), timeoutMs: 100 })
    expect(outcome.timedOut).toBe(true)
    expect(outcome.signal).toBe('SIGTERM')
    expect(outcome.exitedAtMs - outcome.startedAtMs).toBeLessThan(5000)
    expect(processAlive(outcome.pid!)).toBe(false)
  })

  it('escalates to SIGKILL when the child ignores SIGTERM', async () => {
    // the timeout leaves a loaded machine time to start Node and install the SIGTERM handler
    const outcome = await runChild({ ...builtinStubbornSleep(10), timeoutMs: 1500, killGraceMs: 200 })
    expect(outcome.timedOut).toBe(true)
    expect(outcome.forcedKill).toBe(true)
    expect(outcome.signal).toBe('SIGKILL')
  })

  it('kills the child and its own children when cancelled', async () => {
    const controller = new AbortController()
    const grandchildScript = "const { spawn } = require('node:child_process'); const c = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)'], { stdio: 'ignore' }); console.log(c.pid); require('node:fs').writeFileSync(process.argv[1], String(c.pid)); setTimeout(() => {}, 10000)"
    const started = join(mkdtempSync(join(tmpdir(), 'concurrency-lab-grandchild-')), 'pid')
    const pending = runChild({ ...nodeCommand(grandchildScript, [started]), signal: controller.signal })
    // cancelled once the grandchild exists, however long a loaded machine takes to get there
    while (!existsSync(started)) await new Promise((resolve) => setTimeout(resolve, 20))
    controller.abort()
    const outcome = await pending
    expect(outcome.cancelled).toBe(true)
    const grandchildPid = Number(outcome.stdout.text.trim())
    expect(grandchildPid).toBeGreaterThan(0)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(processAlive(outcome.pid!)).toBe(false)
    expect(processAlive(grandchildPid)).toBe(false)
  })

  it('refuses an argument with a NUL byte as data, before any child exists', async () => {
    const outcome = await runChild({ file: 'echo', args: ['a\u0000b'] })
    expect(outcome.pid).toBeUndefined()
    expect(outcome.startError?.message).toMatch(/"echo" could not be started/)
  })

  it('adds the spec\'s variables to this process\'s environment, and runs in the working folder asked for', async () => {
    const outcome = await runChild({ ...nodeCommand("process.stdout.write([process.env.LAB_ADDED, process.env.PATH === process.argv.at(-1), process.cwd()].join(' '))", [process.env.PATH ?? '']), env: { LAB_ADDED: 'added' }, cwd: '/tmp' })
    expect(outcome.stdout.text).toBe(`added true ${realpathSync('/tmp')}`)
  })

  it('writes the input to the child\'s stdin and closes it', async () => {
    const outcome = await runChild({ ...nodeCommand("let n = 0; process.stdin.on('data', (c) => (n += c.length)).on('end', () => process.stdout.write(String(n)))"), input: new Uint8Array(200_000) })
    expect(outcome.stdout.text).toBe('200000')
  })

  it('starts the program with its signals at their defaults and none blocked, whatever this process ignores (SIGPIPE)', async () => {
    // exec: the shell becomes grep, which reads its own status; without it the shell may be caught
    // blocking every signal around its own vfork of grep (dash does), which is not what it was given
    const outcome = await runChild({ file: '/bin/sh', args: ['-c', 'exec grep -E "^Sig(Ign|Blk)" /proc/self/status'] })
    expect(outcome.stdout.text).toBe('SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n')
  })

  it('says so when the program exists but is not executable', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'concurrency-lab-run-'))
    const file = join(folder, 'not-executable')
    writeFileSync(file, '#!/bin/sh\n', { mode: 0o644 })
    const outcome = await runChild({ file })
    expect(outcome.startError?.message).toBe(`The program "${file}" is not executable. Check its permissions.`)
  })

  it('names a working folder that does not exist instead of blaming the program', async () => {
    const outcome = await runChild({ ...nodeCommand('0'), cwd: '/no/such/folder/concurrency-lab' })
    expect(outcome.startError?.message).toBe('The working folder "/no/such/folder/concurrency-lab" does not exist.')
  })

  it('stops at once a child whose run was already cancelled, and says it was cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    const outcome = await runChild({ ...builtinSleep(10), signal: controller.signal })
    expect(outcome.cancelled).toBe(true)
    expect(outcome.signal).toBe('SIGTERM')
    expect(outcome.exitedAtMs - outcome.startedAtMs).toBeLessThan(5000)
  })

  it('lowers a child\'s priority as soon as it exists, when asked', async () => {
    // lower than this process, whatever it runs at: lowering is always allowed, raising is not
    const niceness = Math.min(19, getPriority() + 5)
    const outcome = await runChild({ ...nodeCommand("process.stdout.write(String(require('node:os').getPriority()))"), niceness })
    expect(outcome.exitCode).toBe(0)
    // Linux applies it to the child's main thread, the one that prints; elsewhere it is best effort
    if (process.platform === 'linux') expect(Number(outcome.stdout.text)).toBe(niceness)
  })

  it.runIf(existsSync('/proc/self/autogroup'))('lowers the scheduling group of a child that leads a session of its own, and never the app\'s (Linux autogroups)', async () => {
    const ours = autogroupOf(readFileSync('/proc/self/autogroup', 'utf8'))
    const niceness = Math.min(19, (ours?.nice ?? 0) + 5)
    const outcome = await runChild({ ...nodeCommand("process.stdout.write(require('node:fs').readFileSync('/proc/self/autogroup', 'utf8'))"), niceness })
    expect(outcome.exitCode).toBe(0)
    const childs = autogroupOf(outcome.stdout.text)
    // a group of its own (Node's detached child) is lowered with it; in ours (the addon's child) nothing is written
    if (childs?.group !== ours?.group) expect(childs?.nice).toBe(niceness)
    expect(autogroupOf(readFileSync('/proc/self/autogroup', 'utf8'))).toEqual(ours)
  })
})

it('writes a session\'s weight only on Linux and only for a child that leads a session of its own', () => {
  expect(sessionWeightFile('linux', 42, true)).toBe('/proc/42/autogroup')
  expect(sessionWeightFile('linux', 42, false)).toBeUndefined()
  expect(sessionWeightFile('darwin', 42, true)).toBeUndefined()
  expect(sessionWeightFile('win32', 42, true)).toBeUndefined()
})

it.runIf(existsSync('/proc/self/autogroup'))('starts a child with Node\'s own spawn in a session, so a scheduling group, of its own (why its group is lowered)', async () => {
  const outcome = await runChild(nodeCommand("process.stdout.write(require('node:fs').readFileSync('/proc/self/autogroup', 'utf8'))"))
  const childs = autogroupOf(outcome.stdout.text)
  expect(childs).toBeDefined()
  expect(childs?.group).not.toBe(autogroupOf(readFileSync('/proc/self/autogroup', 'utf8'))?.group)
})

it('reads an autogroup line, and a process in none (init\'s session, as in many containers) as undefined', () => {
  expect(autogroupOf('/autogroup-143227 nice 0\n')).toEqual({ group: '/autogroup-143227', nice: 0 })
  expect(autogroupOf('/autogroup-7 nice -3\n')).toEqual({ group: '/autogroup-7', nice: -3 })
  expect(autogroupOf('')).toBeUndefined()
  expect(() => autogroupOf('garbage')).toThrow('not an autogroup line')
})

/**
 * `/autogroup-143227 nice 0`; empty for a process in init's session, which the kernel keeps in the
 * root group rather than an autogroup (a CI container's processes often are)
 */
function autogroupOf(text: string): { group: string; nice: number } | undefined {
  if (text.trim() === '') return undefined
  const match = /^(\S+) nice (-?\d+)/.exec(text.trim())
  if (!match) throw new Error(`not an autogroup line: ${JSON.stringify(text)}`)
  return { group: match[1]!, nice: Number(match[2]) }
}

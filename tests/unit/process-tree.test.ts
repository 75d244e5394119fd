import { describe, expect, it } from 'vitest'
import { childEnvironment, childrenLeadProcessGroups, envValue, exitHookPlans, hasGracefulStop, stopSteps, treeKillPlan } from '../../src/main/lab/processes/process-tree'
import { helperSpecOf } from '../../src/main/lab/processes/spawner-protocol'

const windowsEnv = { SystemRoot: 'C:\\Windows', Path: 'C:\\Windows\\system32' }

describe('treeKillPlan (what ends a child and its descendants, per system)', () => {
  it('on Windows runs taskkill /T /F /PID from System32, as an argv with no shell', () => {
    expect(treeKillPlan({ platform: 'win32', pid: 4242, signal: 'SIGKILL', env: windowsEnv })).toEqual({
      kind: 'taskkill',
      file: 'C:\\Windows\\System32\\taskkill.exe',
      args: ['/T', '/F', '/PID', '4242'],
    })
    // a polite SIGTERM does not exist there: the first stop is already the forced tree kill
    expect(treeKillPlan({ platform: 'win32', pid: 7, signal: 'SIGTERM', env: { SYSTEMROOT: 'D:\\Win' } })).toEqual({ kind: 'taskkill', file: 'D:\\Win\\System32\\taskkill.exe', args: ['/T', '/F', '/PID', '7'] })
    expect(treeKillPlan({ platform: 'win32', pid: 7, signal: 'SIGKILL' })).toMatchObject({ kind: 'taskkill', file: 'taskkill.exe' })
  })

  it('on Windows does nothing for the leftovers of a child that has exited: its pid no longer leads to them', () => {
    const plan = treeKillPlan({ platform: 'win32', pid: 4242, signal: 'SIGKILL', env: windowsEnv, rootExited: true })
    expect(plan.kind).toBe('none')
    expect(plan.kind === 'none' && plan.reason).toMatch(/no process group/)
  })

  it('on Linux and macOS signals the process group the child leads (or the process alone when it leads none)', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      expect(treeKillPlan({ platform, pid: 4242, signal: 'SIGKILL' })).toEqual({ kind: 'signal', target: -4242, signal: 'SIGKILL' })
      expect(treeKillPlan({ platform, pid: 4242, signal: 'SIGKILL', rootExited: true })).toEqual({ kind: 'signal', target: -4242, signal: 'SIGKILL' })
      expect(treeKillPlan({ platform, pid: 4242, signal: 'SIGKILL', leadsGroup: false })).toEqual({ kind: 'signal', target: 4242, signal: 'SIGKILL' })
    }
  })

  it('stops with SIGTERM then SIGKILL on POSIX, and with the tree kill at once on Windows', () => {
    expect(hasGracefulStop('linux')).toBe(true)
    expect(hasGracefulStop('win32')).toBe(false)
    expect(childrenLeadProcessGroups('darwin')).toBe(true)
    expect(childrenLeadProcessGroups('win32')).toBe(false)
    const [term, kill] = stopSteps('linux', 10, 500)
    expect(term).toEqual({ afterMs: 0, plan: { kind: 'signal', target: 10, signal: 'SIGTERM' }, meansIgnored: false })
    expect(kill).toEqual({ afterMs: 500, plan: { kind: 'signal', target: 10, signal: 'SIGKILL' }, meansIgnored: true })
    const [tree, fallback] = stopSteps('win32', 10, 500, windowsEnv)
    expect(tree).toEqual({ afterMs: 0, plan: { kind: 'taskkill', file: 'C:\\Windows\\System32\\taskkill.exe', args: ['/T', '/F', '/PID', '10'] }, meansIgnored: false })
    // only if taskkill could not end it: TerminateProcess on the child, which says nothing about SIGTERM
    expect(fallback).toEqual({ afterMs: 500, plan: { kind: 'signal', target: 10, signal: 'SIGKILL' }, meansIgnored: false })
  })

  it('ends every running tree on exit: one signal per group, or taskkill with many /PID in few calls', () => {
    expect(exitHookPlans('linux', [3, 4])).toEqual([
      { kind: 'signal', target: -3, signal: 'SIGKILL' },
      { kind: 'signal', target: -4, signal: 'SIGKILL' },
    ])
    expect(exitHookPlans('win32', [3, 4], windowsEnv)).toEqual([{ kind: 'taskkill', file: 'C:\\Windows\\System32\\taskkill.exe', args: ['/T', '/F', '/PID', '3', '/PID', '4'] }])
    const many = exitHookPlans('win32', Array.from({ length: 1200 }, (_, i) => i + 1), windowsEnv)
    expect(many).toHaveLength(3)
    expect(many.every((plan) => plan.kind === 'taskkill' && plan.args.join(' ').length < 32_000)).toBe(true)
    expect(exitHookPlans('win32', [])).toEqual([])
  })
})

describe('childEnvironment (what a child of the lab inherits)', () => {
  it('drops ELECTRON_RUN_AS_NODE inherited from the helpers, so a user\'s Electron program starts as itself', () => {
    expect(childEnvironment({ PATH: '/bin', ELECTRON_RUN_AS_NODE: '1' }, undefined, 'linux')).toEqual({ PATH: '/bin' })
    expect(childEnvironment({ PATH: '/bin', ELECTRON_RUN_AS_NODE: '1' }, { LANG: 'C' }, 'linux')).toEqual({ PATH: '/bin', LANG: 'C' })
    // Windows reads environment names without regard to case
    expect(childEnvironment({ Path: 'C:\\x', electron_run_as_node: '1' }, undefined, 'win32')).toEqual({ Path: 'C:\\x' })
    expect(childEnvironment({ electron_run_as_node: '1' }, undefined, 'linux')).toBeUndefined()
  })

  it('keeps it when the spec sets it: the lab\'s own Node programs run Electron as Node on purpose', () => {
    expect(childEnvironment({ PATH: '/bin', ELECTRON_RUN_AS_NODE: '1' }, { ELECTRON_RUN_AS_NODE: '1' }, 'linux')).toEqual({ PATH: '/bin', ELECTRON_RUN_AS_NODE: '1' })
    expect(childEnvironment({ PATH: '/bin' }, { ELECTRON_RUN_AS_NODE: '1' }, 'win32')).toEqual({ PATH: '/bin', ELECTRON_RUN_AS_NODE: '1' })
  })

  it('inherits unchanged (no copy) when there is nothing to drop or add', () => {
    expect(childEnvironment({ PATH: '/bin' }, undefined, 'linux')).toBeUndefined()
  })

  it('reads variables as each system does', () => {
    expect(envValue({ ComSpec: 'C:\\cmd.exe' }, 'COMSPEC', 'win32')).toBe('C:\\cmd.exe')
    expect(envValue({ ComSpec: 'C:\\cmd.exe' }, 'COMSPEC', 'linux')).toBeUndefined()
  })
})

describe('the spawner helper protocol', () => {
  it('carries windowsVerbatimArguments (and everything but the signal and streams) to the helper', () => {
    const controller = new AbortController()
    const sent = helperSpecOf({ file: 'C:\\Windows\\system32\\cmd.exe', args: ['/d', '/s', '/c', '"echo "hi""'], windowsVerbatimArguments: true, timeoutMs: 5, signal: controller.signal, stdin: 'ignore' })
    expect(sent).toEqual({ file: 'C:\\Windows\\system32\\cmd.exe', args: ['/d', '/s', '/c', '"echo "hi""'], windowsVerbatimArguments: true, timeoutMs: 5 })
    expect(structuredClone(sent)).toEqual(sent)
  })
})

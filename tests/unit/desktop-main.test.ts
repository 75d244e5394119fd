import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

/** What the mocked Electron and engine saw, in order. */
const calls: string[] = []
const appHandlers = new Map<string, (...args: unknown[]) => void>()
let lockGranted = true

vi.mock('electron', () => ({
  app: {
    isPackaged: false,
    requestSingleInstanceLock: () => (calls.push('requestSingleInstanceLock'), lockGranted),
    quit: () => calls.push('quit'),
    on: (event: string, handler: (...args: unknown[]) => void) => appHandlers.set(event, handler),
    whenReady: () => new Promise(() => {}),
    isReady: () => false,
    getPath: () => '/tmp/concurrency-lab-desktop-test',
    getVersion: () => '0.0.0',
  },
  BrowserWindow: { getAllWindows: () => [] },
  nativeTheme: {},
  screen: {},
}))
vi.mock('../../src/main/lab/thread/lab-thread', () => ({
  startLabThread: () => (calls.push('startLabThread'), { request: async () => ({ ok: false }), events: { subscribe: () => () => {} }, shutdown: async () => void calls.push('shutdown') }),
}))
vi.mock('../../src/main/shell/ipc', () => ({ registerIpc: () => () => () => {} }))

beforeEach(() => {
  calls.splice(0)
  appHandlers.clear()
  vi.resetModules()
})
afterEach(() => vi.restoreAllMocks())

describe('the desktop app’s entry', () => {
  it('takes the single-instance lock before any other work', async () => {
    lockGranted = true
    await import('../../src/main/index')
    expect(calls[0]).toBe('requestSingleInstanceLock')
    expect(calls).toContain('startLabThread')
    expect(appHandlers.has('second-instance')).toBe(true)
  })

  it('a second launch starts no engine (and so forks no spawner helper): it quits', async () => {
    lockGranted = false
    await import('../../src/main/index')
    expect(calls).toEqual(['requestSingleInstanceLock', 'quit'])
    expect(appHandlers.size).toBe(0)
  })

  it('quitting waits for the engine to shut down, then quits once', async () => {
    lockGranted = true
    await import('../../src/main/index')
    const event = { preventDefault: vi.fn() }
    appHandlers.get('before-quit')!(event)
    expect(event.preventDefault).toHaveBeenCalled()
    await vi.waitFor(() => expect(calls).toContain('quit'))
    expect(calls.indexOf('shutdown')).toBeLessThan(calls.indexOf('quit'))
    const again = { preventDefault: vi.fn() }
    appHandlers.get('before-quit')!(again)
    expect(again.preventDefault).not.toHaveBeenCalled()
  })
})

import { beforeEach, describe, expect, it, vi } from 'vitest'

const created: { options: Record<string, unknown>; handlers: Map<string, (...args: unknown[]) => void>; openHandler?: (details: unknown) => unknown; loaded?: string }[] = []

vi.mock('electron', () => {
  class BrowserWindow {
    readonly webContents: Record<string, unknown>
    constructor(options: Record<string, unknown>) {
      const record: (typeof created)[number] = { options, handlers: new Map() }
      created.push(record)
      this.webContents = {
        on: (event: string, handler: (...args: unknown[]) => void) => record.handlers.set(event, handler),
        setWindowOpenHandler: (handler: (details: unknown) => unknown) => (record.openHandler = handler),
      }
      Object.assign(this, { once: () => {}, loadURL: async (url: string) => void (record.loaded = url) })
    }
  }
  return { BrowserWindow, session: { defaultSession: {} } }
})

const { appUrl, builtWindowPlan, createMainWindow, revealWindow, trustedFrameCheck } = await import('../../src/main/shell/window')

const plan = { preloadPath: '/app/out/preload/index.cjs', rendererHtml: '/app/out/renderer/index.html' }

beforeEach(() => void created.splice(0))

describe('the main window', () => {
  it('follows the security checklist', () => {
    createMainWindow(plan)
    expect(created[0]!.options.webPreferences).toMatchObject({
      preload: plan.preloadPath,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    })
    expect(created[0]!.loaded).toBe('file:///app/out/renderer/index.html')
  })

  it('denies new windows and navigation away from the app', () => {
    createMainWindow(plan)
    expect(created[0]!.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' })
    const navigate = created[0]!.handlers.get('will-navigate')!
    const away = { preventDefault: vi.fn() }
    navigate(away, 'https://example.com/')
    expect(away.preventDefault).toHaveBeenCalled()
    const home = { preventDefault: vi.fn() }
    navigate(home, 'file:///app/out/renderer/index.html')
    expect(home.preventDefault).not.toHaveBeenCalled()
  })

  it('trusts IPC only from the app page itself', () => {
    const trusted = trustedFrameCheck(plan)
    expect(trusted({ url: 'file:///app/out/renderer/index.html#/processes' } as never)).toBe(true)
    expect(trusted({ url: 'file:///tmp/evil.html' } as never)).toBe(false)
    expect(trusted({ url: 'https://example.com/' } as never)).toBe(false)
    expect(trusted(null)).toBe(false)
    const dev = trustedFrameCheck({ ...plan, devServerUrl: 'http://localhost:5173/' })
    expect(dev({ url: 'http://localhost:5173/#/races' } as never)).toBe(true)
    expect(dev({ url: 'http://localhost:5174/' } as never)).toBe(false)
  })
})

describe('where the window’s page comes from', () => {
  it('honours electron-vite’s dev server only when the app is not packaged', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173/' }
    expect(builtWindowPlan('/app/out/main', { packaged: false, env }).devServerUrl).toBe('http://localhost:5173/')
    const packaged = builtWindowPlan('/app/out/main', { packaged: true, env })
    expect(packaged.devServerUrl).toBeUndefined()
    expect(appUrl(packaged)).toBe('file:///app/out/renderer/index.html')
    expect(packaged.preloadPath).toBe('/app/out/preload/index.cjs')
  })
})

describe('a second launch', () => {
  const fakeWindow = (state: { destroyed?: boolean; minimized?: boolean }) => {
    const seen: string[] = []
    return {
      seen,
      window: {
        isDestroyed: () => state.destroyed ?? false,
        isMinimized: () => state.minimized ?? false,
        restore: () => seen.push('restore'),
        show: () => seen.push('show'),
        focus: () => seen.push('focus'),
      } as never,
    }
  }

  it('restores a minimised window and focuses it', () => {
    const { seen, window } = fakeWindow({ minimized: true })
    const open = vi.fn()
    revealWindow(window, open)
    expect(seen).toEqual(['restore', 'show', 'focus'])
    expect(open).not.toHaveBeenCalled()
  })

  it('opens a window when the app runs without one (macOS keeps running after its window closed)', () => {
    const open = vi.fn()
    revealWindow(undefined, open)
    expect(open).toHaveBeenCalledOnce()
    const { seen, window } = fakeWindow({ destroyed: true })
    revealWindow(window, open)
    expect(open).toHaveBeenCalledTimes(2)
    expect(seen).toEqual([])
  })
})

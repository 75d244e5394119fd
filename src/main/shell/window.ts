import { BrowserWindow, session, type WebFrameMain } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

export interface WindowPlan {
  preloadPath: string
  rendererHtml: string
  /** electron-vite's dev server, in development only. */
  devServerUrl?: string
}

export function appUrl(plan: WindowPlan): string {
  return plan.devServerUrl ?? pathToFileURL(plan.rendererHtml).href
}

/** The lab's own page, and nothing else, may talk to the engine. */
export function trustedFrameCheck(plan: WindowPlan): (frame: WebFrameMain | null) => boolean {
  const allowed = new URL(appUrl(plan))
  return (frame) => {
    if (!frame) return false
    try {
      const url = new URL(frame.url)
      return allowed.protocol === 'file:' ? url.protocol === 'file:' && url.pathname === allowed.pathname : url.origin === allowed.origin
    } catch {
      return false
    }
  }
}

export function denyPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
}

export function createMainWindow(plan: WindowPlan): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Concurrency Lab',
    // Electron's security checklist; written out here so static scanners (electronegativity) can see it.
    webPreferences: {
      // electronegativity-justified: PRELOAD_JS_CHECK — the preload is the only bridge: it exposes one function per
      // contract channel and event subscriptions that pass payloads only, never ipcRenderer or Node (src/preload/index.ts).
      preload: plan.preloadPath,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      // middle-click (auxclick) could otherwise open links in new windows
      disableBlinkFeatures: 'Auxclick',
    },
  })
  const home = appUrl(plan)
  window.webContents.on('will-navigate', (event, url) => {
    if (url !== home) event.preventDefault()
  })
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  window.once('ready-to-show', () => window.show())
  void window.loadURL(home)
  return window
}

/**
 * Where the built app's page and preload are. electron-vite's dev server (ELECTRON_RENDERER_URL)
 * is honoured only in development: a packaged app never loads a page from a URL in its environment.
 */
export const builtWindowPlan = (mainDir: string, { packaged, env }: { packaged: boolean; env: NodeJS.ProcessEnv }): WindowPlan => ({
  preloadPath: join(mainDir, '..', 'preload', 'index.cjs'),
  rendererHtml: join(mainDir, '..', 'renderer', 'index.html'),
  devServerUrl: packaged ? undefined : env.ELECTRON_RENDERER_URL,
})

/** A second launch brings the running app forward: its window restored and focused, or a new one where it was closed (macOS). */
export function revealWindow(window: BrowserWindow | undefined, openWindow: () => void): void {
  if (!window || window.isDestroyed()) return openWindow()
  if (window.isMinimized()) window.restore()
  window.show()
  window.focus()
}

import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it, vi } from 'vitest'

const target = join(mkdtempSync(join(tmpdir(), 'lab-pdf-')), 'report.pdf')
const windows: { options: Record<string, unknown>; loaded?: string; loadedExisted?: boolean; destroyed: boolean }[] = []
const sessions: { partition: string; filter?: (details: { url: string }, callback: (answer: { cancel: boolean }) => void) => void; permission?: (w: unknown, p: string, callback: (granted: boolean) => void) => void }[] = []

vi.mock('electron', () => {
  class BrowserWindow {
    private readonly record: (typeof windows)[number]
    readonly webContents = {
      on: () => {},
      setWindowOpenHandler: () => {},
      printToPDF: async () => Buffer.from('%PDF-1.7 fake'),
    }
    constructor(options: Record<string, unknown>) {
      this.record = { options, destroyed: false }
      windows.push(this.record)
    }
    async loadFile(file: string): Promise<void> {
      this.record.loaded = file
      this.record.loadedExisted = existsSync(file)
    }
    destroy(): void {
      this.record.destroyed = true
    }
  }
  const fromPartition = (partition: string) => {
    const record = { partition, filter: undefined as undefined | ((details: { url: string }, callback: (answer: { cancel: boolean }) => void) => void), permission: undefined as undefined | ((w: unknown, p: string, callback: (granted: boolean) => void) => void) }
    sessions.push(record)
    return {
      webRequest: { onBeforeRequest: (filter: typeof record.filter) => (record.filter = filter) },
      setPermissionRequestHandler: (handler: typeof record.permission) => (record.permission = handler),
      setPermissionCheckHandler: () => {},
    }
  }
  return { BrowserWindow, dialog: { showSaveDialog: async () => ({ canceled: false, filePath: target }) }, session: { fromPartition } }
})

const { saveReportPdfWithDialog } = await import('../../src/main/shell/save-export')

describe('the PDF report (desktop)', () => {
  it('prints the HTML in a hidden window without JavaScript, saves the PDF, and cleans up', async () => {
    const save = saveReportPdfWithDialog(() => undefined)
    const answer = await save({ suggestedName: 'run.pdf', html: '<!doctype html><title>r</title><p>report</p>' })
    expect(answer.savedPath).toBe(target)
    expect(readFileSync(target, 'utf8')).toMatch(/^%PDF-/)
    const [window] = windows
    expect(window!.options).toMatchObject({ show: false, webPreferences: { sandbox: true, javascript: false, nodeIntegration: false, contextIsolation: true } })
    expect(window!.loadedExisted).toBe(true)
    expect(window!.destroyed).toBe(true)
    expect(existsSync(window!.loaded!)).toBe(false)
  })

  it('prints in a session of its own that loads the report file and embedded images only, and grants nothing', async () => {
    windows.splice(0)
    sessions.splice(0)
    await saveReportPdfWithDialog(() => undefined)({ suggestedName: 'run.pdf', html: '<img src="https://example.com/x.png">' })
    const [own] = sessions
    expect(own!.partition).toMatch(/^concurrency-lab-report-/) // in memory (no "persist:"), not the app's default session
    expect((windows[0]!.options.webPreferences as { session: unknown }).session).toBeDefined()
    const verdict = (url: string): boolean => {
      let cancel = false
      own!.filter!({ url }, (answer) => (cancel = answer.cancel))
      return cancel
    }
    expect(verdict(pathToFileURL(windows[0]!.loaded!).href)).toBe(false)
    expect(verdict('data:image/png;base64,iVBORw0KGgo=')).toBe(false)
    expect(verdict('https://example.com/x.png')).toBe(true)
    expect(verdict('file:///etc/passwd')).toBe(true)
    let granted = true
    own!.permission!(undefined, 'media', (answer) => (granted = answer))
    expect(granted).toBe(false)
  })
})

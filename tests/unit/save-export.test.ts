import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'

const target = join(mkdtempSync(join(tmpdir(), 'lab-pdf-')), 'report.pdf')
const windows: { options: Record<string, unknown>; loaded?: string; loadedExisted?: boolean; destroyed: boolean }[] = []

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
  return { BrowserWindow, dialog: { showSaveDialog: async () => ({ canceled: false, filePath: target }) } }
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
})

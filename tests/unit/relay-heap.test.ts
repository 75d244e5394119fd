import { execa } from 'execa'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const cli = resolve(process.env.CONCURRENCY_LAB_OUT ?? 'out', 'main', 'cli.js')
const idleYoungHeap = resolve('tests/unit/fixtures/idle-young-heap.mjs')
/** V8's memory reducer waits 8 s, and 8 s more while the process still allocates fast (a loaded machine). */
const CONTROL_WINDOW_MS = 20_000

/** The --trace-gc lines of a process's main thread (the first isolate to print: the main thread starts first). */
function mainThreadGcLines(stdout: string): string[] {
  const lines = stdout.split('\n').filter((line) => /^\[\d+:0x[0-9a-f]+\]/.test(line))
  const main = lines[0]?.slice(0, lines[0].indexOf(']') + 1)
  return lines.filter((line) => main !== undefined && line.startsWith(main))
}

const reduces = (lines: string[]): string[] => lines.filter((line) => line.includes('Mark-Compact (reduce)'))

describe("the face's thread and V8's memory reducer", () => {
  it("serve's main thread gets no memory-reducing mark-compact in the time a plain process idling beside it gets one", async (context) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lab-relay-heap-'))
    const host = execa('node', ['--trace-gc', cli, 'serve', '--port', '0', '--data-dir', dataDir], { env: { CONCURRENCY_LAB_TOKEN: 'relay-heap-token-0123456789abcdef' }, reject: false })
    let controlOut = ''
    try {
      await new Promise<void>((done, fail) => {
        host.stderr?.on('data', (chunk: Buffer) => {
          if (/serving at /.test(chunk.toString())) done()
        })
        void host.then(() => fail(new Error('serve ended before printing its URL')))
      })
      // the control, started after serve: its heap grows once and idles, and this V8 compacts it when left alone
      const control = execa('node', ['--trace-gc', idleYoungHeap, String(CONTROL_WINDOW_MS)], { reject: false })
      control.stdout?.on('data', (chunk: Buffer) => {
        controlOut += chunk.toString()
        if (reduces(mainThreadGcLines(controlOut)).length > 0) control.kill()
      })
      await control
    } finally {
      host.kill('SIGINT')
    }
    const served = await host
    if (reduces(mainThreadGcLines(controlOut)).length === 0) {
      context.skip(`inconclusive: the control process got no memory-reducing collection within ${CONTROL_WINDOW_MS / 1000} s on this machine now`)
    }
    const servedLines = mainThreadGcLines(served.stdout)
    expect(servedLines.length).toBeGreaterThan(0)
    expect(reduces(servedLines)).toEqual([])
  }, CONTROL_WINDOW_MS + 20_000)
})

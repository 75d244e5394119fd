import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadWindowState, rememberWindowState, restoreWindowState, type Rectangle } from '../../src/main/shell/window-state'

const laptop: Rectangle = { x: 0, y: 0, width: 1440, height: 875 }
const monitorRight: Rectangle = { x: 1440, y: -200, width: 2560, height: 1400 }

describe('restoring the window where it was', () => {
  it('restores bounds that lie on a display, as they were', () => {
    const saved = { bounds: { x: 100, y: 50, width: 1200, height: 800 }, maximized: false }
    expect(restoreWindowState(saved, [laptop])).toEqual(saved)
    const onMonitor = { bounds: { x: 1600, y: 0, width: 1800, height: 1000 }, maximized: true }
    expect(restoreWindowState(onMonitor, [laptop, monitorRight])).toEqual(onMonitor)
  })

  it('ignores bounds on a display that is gone, or almost entirely off every display', () => {
    const onMonitor = { bounds: { x: 1600, y: 0, width: 1800, height: 1000 }, maximized: false }
    expect(restoreWindowState(onMonitor, [laptop])).toBeUndefined()
    // only a 50 px sliver of the window would show on the laptop: not enough to grab it
    expect(restoreWindowState({ bounds: { x: 1390, y: 100, width: 1000, height: 700 }, maximized: false }, [laptop])).toBeUndefined()
    expect(restoreWindowState({ bounds: { x: 100, y: -680, width: 1000, height: 700 }, maximized: false }, [laptop])).toBeUndefined()
  })

  it('moves and shrinks a window that sticks out, to fit the display it is mostly on', () => {
    const restored = restoreWindowState({ bounds: { x: 800, y: 400, width: 1200, height: 800 }, maximized: false }, [laptop])
    expect(restored?.bounds).toEqual({ x: 240, y: 75, width: 1200, height: 800 })
    const tooBig = restoreWindowState({ bounds: { x: -50, y: -50, width: 3000, height: 2000 }, maximized: false }, [laptop])
    expect(tooBig?.bounds).toEqual(laptop)
    const straddling = restoreWindowState({ bounds: { x: 1000, y: 100, width: 1200, height: 700 }, maximized: false }, [laptop, monitorRight])
    // more of it is on the monitor (760 px) than on the laptop (440 px)
    expect(straddling?.bounds).toEqual({ x: 1440, y: 100, width: 1200, height: 700 })
  })

  it('treats anything unreadable as nothing saved', () => {
    for (const junk of [undefined, null, 'x', 42, [], {}, { bounds: {} }, { bounds: { x: 'a', y: 0, width: 10, height: 10 } }, { bounds: { x: 0, y: 0, width: 0, height: 10 } }, { bounds: { x: 1e12, y: 0, width: 100, height: 100 } }, { bounds: { x: Number.NaN, y: 0, width: 100, height: 100 } }]) {
      expect(restoreWindowState(junk, [laptop])).toBeUndefined()
    }
    expect(restoreWindowState({ bounds: { x: 10, y: 10, width: 900, height: 600 } }, [laptop])).toEqual({ bounds: { x: 10, y: 10, width: 900, height: 600 }, maximized: false })
    expect(restoreWindowState({ bounds: { x: 10, y: 10, width: 900, height: 600 } }, [])).toBeUndefined()
  })
})

describe('remembering the window', () => {
  it('saves the normal bounds and the maximized flag on close, and reads them back', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'concurrency-lab-window-')), 'window-state.json')
    let onClose: (() => void) | undefined
    const window = {
      on: (_event: 'close', listener: () => void) => (onClose = listener),
      getNormalBounds: () => ({ x: 20, y: 30, width: 1000, height: 700 }),
      isMaximized: () => true,
    }
    rememberWindowState(window, file)
    expect(loadWindowState(file, [laptop])).toBeUndefined()
    onClose?.()
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ bounds: { x: 20, y: 30, width: 1000, height: 700 }, maximized: true })
    expect(loadWindowState(file, [laptop])).toEqual({ bounds: { x: 20, y: 30, width: 1000, height: 700 }, maximized: true })
    writeFileSync(file, '{"bounds": {"x": 1')
    expect(loadWindowState(file, [laptop])).toBeUndefined()
  })
})

import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { z } from 'zod'
import { retryWhileHeldOpenSync } from '../lab/store/held-open'

export interface Rectangle {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  /** The window's normal (not maximized) bounds, in screen coordinates. */
  bounds: Rectangle
  maximized: boolean
}

/** The part of a window that must lie on a display for it to count as visible (enough to grab it). */
const MIN_VISIBLE = { width: 120, height: 60 }
const MIN_SIZE = { width: 400, height: 300 }

const coordinate = z.number().int().min(-100_000).max(100_000)
const size = z.number().int().min(1).max(100_000)
const stateSchema = z.object({
  bounds: z.object({ x: coordinate, y: coordinate, width: size, height: size }),
  maximized: z.boolean().default(false),
})

function intersection(a: Rectangle, b: Rectangle): { width: number; height: number } {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return { width: Math.max(0, width), height: Math.max(0, height) }
}

const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, value))

/**
 * The window state to open with: the saved one when enough of it lies on one of today's displays
 * (work areas, without task bars), moved and shrunk to fit that display; otherwise undefined, and
 * the window opens at its default size, centred. Anything unreadable also gives undefined.
 */
export function restoreWindowState(saved: unknown, workAreas: readonly Rectangle[]): WindowState | undefined {
  const parsed = stateSchema.safeParse(saved)
  if (!parsed.success) return undefined
  const { bounds, maximized } = parsed.data
  let best: { area: Rectangle; overlap: number } | undefined
  for (const area of workAreas) {
    const { width, height } = intersection(bounds, area)
    if (width < Math.min(MIN_VISIBLE.width, bounds.width) || height < Math.min(MIN_VISIBLE.height, bounds.height)) continue
    if (!best || width * height > best.overlap) best = { area, overlap: width * height }
  }
  if (!best) return undefined
  const { area } = best
  const width = clamp(bounds.width, Math.min(MIN_SIZE.width, area.width), area.width)
  const height = clamp(bounds.height, Math.min(MIN_SIZE.height, area.height), area.height)
  return {
    bounds: { x: clamp(bounds.x, area.x, area.x + area.width - width), y: clamp(bounds.y, area.y, area.y + area.height - height), width, height },
    maximized,
  }
}

/** Reads the saved state (window-state.json in the user-data folder); a missing or damaged file gives undefined. */
export function loadWindowState(file: string, workAreas: readonly Rectangle[]): WindowState | undefined {
  try {
    return restoreWindowState(JSON.parse(readFileSync(file, 'utf8')), workAreas)
  } catch {
    return undefined
  }
}

/** What the state is taken from: a BrowserWindow (a small interface, so it can be tested without Electron). */
export interface TrackedWindow {
  on(event: 'close', listener: () => void): unknown
  getNormalBounds(): Rectangle
  isMaximized(): boolean
}

/** Saves the window's bounds when it closes (written whole: a temporary file renamed over the old one). */
export function rememberWindowState(window: TrackedWindow, file: string, replace: (from: string, to: string) => void = renameSync): void {
  window.on('close', () => {
    const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() }
    const temporary = `${file}.tmp`
    try {
      writeFileSync(temporary, JSON.stringify(state))
      retryWhileHeldOpenSync(file, () => replace(temporary, file))
    } catch {
      // not worth stopping the window from closing: it opens at its default size next time
    }
  })
}

/**
 * How finely the system's timers tick, in ms: no timer can fire closer to its time than this.
 * Windows ticks every 15.625 ms (64 Hz) by default (a program may ask for 1 ms, and browsers
 * sometimes do, so this is the worst case there); Node's timers on Linux and macOS count whole
 * milliseconds over a finer kernel clock.
 */
export function timerResolutionMs(platform: string): number {
  return platform === 'win32' ? 15.625 : 1
}

/**
 * How much later than asked a timer of `intervalMs` ran, beyond what the system timer explains:
 * a timer asked for every 5 ms runs every ~15.6 ms on Windows without anything being busy.
 * `recordedMs` is the whole interval measured between two firings.
 */
export const lateBeyondTimerMs = (recordedMs: number, intervalMs: number, resolutionMs: number): number =>
  Math.max(0, recordedMs - Math.max(intervalMs, resolutionMs))

import { describe, expect, it } from 'vitest'
import { judgeHeartbeat } from '../../src/shared/experiments/capture'
import { lateBeyondTimerMs, timerResolutionMs } from '../../src/shared/timer-resolution'
import { watchEventLoop } from '../../src/main/lab/measure/event-loop'

describe('the system timer\'s resolution', () => {
  it('is 15.625 ms on Windows by default, 1 ms for Node\'s timers on Linux and macOS', () => {
    expect(timerResolutionMs('win32')).toBe(15.625)
    expect(timerResolutionMs('linux')).toBe(1)
    expect(timerResolutionMs('darwin')).toBe(1)
  })

  it('is not counted as event-loop delay: a 5 ms monitor that measured 15.6 ms intervals on Windows was idle', () => {
    expect(lateBeyondTimerMs(15.6, 5, timerResolutionMs('win32'))).toBe(0)
    expect(lateBeyondTimerMs(40.625, 5, timerResolutionMs('win32'))).toBe(25)
    // on Linux the same 15.7 ms interval is 10.7 ms of real delay
    expect(lateBeyondTimerMs(15.7, 5, timerResolutionMs('linux'))).toBeCloseTo(10.7, 9)
  })

  it('is reported by the event-loop watch, which takes it off where it is coarser than the interval', async () => {
    const watch = watchEventLoop(5, 15.625)
    await new Promise((resolve) => setTimeout(resolve, 60))
    const delay = watch.stop()
    expect(delay.timerResolutionMs).toBe(15.625)
    expect(delay.resolutionMs).toBe(5)
  })
})

describe('judgeHeartbeat', () => {
  it('on Windows expects ticks at the timer\'s pace and calls lateness within 15.6 ms the timer\'s', () => {
    // recorded on an idle Windows loop: a 5 ms interval fires about every 15.6 ms, each tick ~10.6 ms "behind"
    const idle = judgeHeartbeat({ waitedMs: 500, intervalMs: 5, timerResolutionMs: timerResolutionMs('win32'), heartbeats: 31, maxLagMs: 11.2 })
    expect(idle.effectiveIntervalMs).toBe(15.625)
    expect(idle.expectedTicks).toBe(32)
    expect(idle.lagBeyondTimerMs).toBe(0)
    expect(idle.sentence).toMatch(/ticked 31 times \(32 fit in the wait at the system timer's 15\.6 ms resolution, which is coarser than the 5 ms asked for/)
    expect(idle.sentence).toMatch(/all of it within the 15\.6 ms the system timer itself can be late/)
    const busy = judgeHeartbeat({ waitedMs: 500, intervalMs: 5, timerResolutionMs: timerResolutionMs('win32'), heartbeats: 20, maxLagMs: 65.625 })
    expect(busy.lagBeyondTimerMs).toBe(50)
    expect(busy.sentence).toMatch(/50\.0 ms beyond the 15\.6 ms/)
  })

  it('on Linux and macOS keeps the 5 ms pace and allows 1 ms', () => {
    const judged = judgeHeartbeat({ waitedMs: 500, intervalMs: 5, timerResolutionMs: timerResolutionMs('linux'), heartbeats: 98, maxLagMs: 3 })
    expect(judged.effectiveIntervalMs).toBe(5)
    expect(judged.expectedTicks).toBe(100)
    expect(judged.lagBeyondTimerMs).toBe(2)
    expect(judged.sentence).toMatch(/ticked 98 times \(100 fit in the wait; the latest tick was 3\.0 ms behind, 2\.0 ms beyond the 1\.0 ms/)
  })
})

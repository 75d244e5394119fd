import { describe, expect, it } from 'vitest'
import { CLOCK_TOLERANCE_MS, implausibleLanes, lanesFigure, overlapOf, pausedSlices, turnsOf, type TracedLane, type TracedTrial, type WorkSlice } from '../../src/main/lab/experiments/worker-lanes'

/** Slices of `lengthMs` back to back from `fromMs`, each its own task label. */
const backToBack = (fromMs: number, count: number, lengthMs: number, task = 'n'): WorkSlice[] =>
  Array.from({ length: count }, (_, i) => ({ startMs: fromMs + i * lengthMs, endMs: fromMs + (i + 1) * lengthMs, task }))

const trialOf = (lanes: TracedLane[], overrides: Partial<TracedTrial> = {}): TracedTrial => ({
  id: 'threads-2',
  runtime: 'node',
  strategy: 'threads',
  workers: lanes.length,
  title: '2 worker threads',
  activity: 'computing',
  startedAtMs: 1000,
  finishedAtMs: 1100,
  lanes,
  perStampNs: 200,
  stamps: 100,
  ...overrides,
})

describe('turns, overlap and the median turn, from hand-made slices', () => {
  it('joins back-to-back slices into one turn and splits at a gap', () => {
    const slices = [...backToBack(0, 4, 0.5, '12'), ...backToBack(5, 2, 0.5, '13')]
    expect(turnsOf(slices, 0, { detectPauses: true })).toEqual([
      { startMs: 0, endMs: 2, detail: '12' },
      { startMs: 5, endMs: 6, detail: '13' },
    ])
  })

  it('never joins across a gap, however short: a few-µs slice of another worker may sit in it', () => {
    const a = [
      { startMs: 0, endMs: 1, task: 'a' },
      { startMs: 1.01, endMs: 2, task: 'a' },
    ]
    const b = [{ startMs: 1.002, endMs: 1.008, task: 'b' }]
    const lanes = [turnsOf(a, 0, { detectPauses: false }), turnsOf(b, 0, { detectPauses: false })]
    expect(lanes[0]).toHaveLength(2)
    expect(overlapOf(lanes).overlapMs).toBe(0)
  })

  it('leaves out a slice its worker was paused in: by its CPU time, or by its length where CPU time is unknown', () => {
    const byCpu = [
      { startMs: 0, endMs: 1, cpuMs: 0.99, task: 'a' },
      { startMs: 1, endMs: 7, cpuMs: 1, task: 'a' },
      { startMs: 7, endMs: 8, cpuMs: 1, task: 'a' },
    ]
    expect([...pausedSlices(byCpu)]).toEqual([byCpu[1]])
    expect(turnsOf(byCpu, 0, { detectPauses: true }).map((t) => [t.startMs, t.endMs])).toEqual([
      [0, 1],
      [7, 8],
    ])
    const byLength = [...backToBack(0, 5, 1), { startMs: 5, endMs: 11, task: 'n' }, ...backToBack(11, 3, 1)]
    expect(pausedSlices(byLength).size).toBe(1)
    // blocking calls are waits: none is "paused"
    expect(turnsOf(byLength, 0, { detectPauses: false })).toEqual([{ startMs: 0, endMs: 14, detail: 'n' }])
  })

  it('counts the time two or more ran at once, and the most the active times allow', () => {
    // A 0–10, B 5–12: together 5–10
    expect(overlapOf([[{ startMs: 0, endMs: 10 }], [{ startMs: 5, endMs: 12 }]])).toEqual({ busyMs: 12, overlapMs: 5, possibleOverlapMs: 7 })
    // touching turns do not overlap; alternating turns never do
    expect(overlapOf([[{ startMs: 0, endMs: 5 }, { startMs: 10, endMs: 15 }], [{ startMs: 5, endMs: 10 }]]).overlapMs).toBe(0)
    // three workers: all but the longest
    expect(overlapOf([[{ startMs: 0, endMs: 10 }], [{ startMs: 0, endMs: 4 }], [{ startMs: 2, endMs: 8 }]])).toEqual({ busyMs: 10, overlapMs: 8, possibleOverlapMs: 10 })
    // four at once: two or more for all 100 ms, of a possible 200 (two pairs one after the other)
    const together = Array.from({ length: 4 }, () => [{ startMs: 0, endMs: 100 }])
    expect(overlapOf(together)).toEqual({ busyMs: 100, overlapMs: 100, possibleOverlapMs: 200 })
  })

  it('words the figure from its numbers: running together, or taking turns with the switch interval beside the median turn', () => {
    const together = lanesFigure(trialOf([{ label: 'A', slices: backToBack(1000, 40, 1) }, { label: 'B', slices: backToBack(1010, 30, 1) }]), 95)
    expect(together).toMatchObject({ busyMs: 40, overlapMs: 30, possibleOverlapMs: 30, overlapOfPossible: 1, medianTurnMs: 35, slices: 70, pausedSlices: 0 })
    expect(together.lanes.map((l) => [l.label, l.activeMs, l.turns.length])).toEqual([
      ['A', 40, 1],
      ['B', 30, 1],
    ])
    expect(together.sentence).toMatch(/^2 worker threads: two or more workers were running at once for 30\.0 ms, 75% of the 40\.0 ms when any was, and 100% of the 30\.0 ms the shorter-running one was active/)
    expect(together.stampCost).toEqual({ stamps: 100, perStampNs: 200, shareOfWork: (100 * 200) / 1e6 / 70, tracedMs: 100, untracedMedianMs: 95 })

    // two Python threads handing the GIL over every 5 ms
    const turn = (fromMs: number): WorkSlice[] => backToBack(fromMs, 10, 0.5).map((s) => ({ ...s, cpuMs: 0.5 }))
    const gil = lanesFigure(
      trialOf([{ label: 'thread 1', slices: [...turn(1000), ...turn(1010), ...turn(1020)] }, { label: 'thread 2', slices: [...turn(1005), ...turn(1015)] }], { runtime: 'python', id: 'python-threads-2', title: 'Python: 2 threads', switchIntervalMs: 5 }),
      null,
    )
    expect(gil).toMatchObject({ overlapMs: 0, overlapShare: 0, medianTurnMs: 5, busyMs: 25 })
    expect(gil.sentence).toContain('They took turns: a turn lasted 5.0 ms (median) (sys.getswitchinterval() is 5.0 ms).')
  })
})

describe('the check that tells a real trace from an impossible one', () => {
  const facts = { logicalCores: 2, pythonGil: true }
  const check = (trial: TracedTrial): string[] => implausibleLanes(trial, lanesFigure(trial, null), facts)
  const gilTrial = (slicesOfB: WorkSlice[]): TracedTrial =>
    trialOf([{ label: 'thread 1', slices: backToBack(1000, 20, 0.5).map((s) => ({ ...s, cpuMs: 0.5 })) }, { label: 'thread 2', slices: slicesOfB }], { runtime: 'python', strategy: 'threads', id: 'python-threads-2', title: 'Python: 2 threads' })

  it('passes Python threads that alternate, and fails injected overlapping slices under the GIL', () => {
    expect(check(gilTrial(backToBack(1010, 20, 0.5).map((s) => ({ ...s, cpuMs: 0.5 }))))).toEqual([])
    const overlapping = check(gilTrial(backToBack(1005, 20, 0.5).map((s) => ({ ...s, cpuMs: 0.5 }))))
    expect(overlapping).toHaveLength(1)
    expect(overlapping[0]).toMatch(/^Python: 2 threads: two workers ran at once for 5\.0 ms, but Python threads under the GIL run Python code one at a time/)
    // within the clocks' tolerance is not evidence
    expect(check(gilTrial(backToBack(1010 - CLOCK_TOLERANCE_MS / 2, 20, 0.5).map((s) => ({ ...s, cpuMs: 0.5 }))))).toEqual([])
    // a free-threaded Python with the GIL off may overlap
    const noGil = gilTrial(backToBack(1005, 20, 0.5).map((s) => ({ ...s, cpuMs: 0.5 })))
    expect(implausibleLanes(noGil, lanesFigure(noGil, null), { logicalCores: 2, pythonGil: false })).toEqual([])
  })

  it('fails async tasks on one thread that overlap, and worker threads that never do on two cores', () => {
    const asyncTrial = trialOf([{ label: 'async task 1', slices: backToBack(1000, 30, 1) }, { label: 'async task 2', slices: backToBack(1002, 30, 1) }], { strategy: 'concurrent', title: 'Concurrent' })
    expect(check(asyncTrial)[0]).toMatch(/async tasks on one thread run one at a time/)
    // both had work from 1000 to 1060 and handed over every 2 ms, as on one core
    const alternate = (fromMs: number): WorkSlice[] => Array.from({ length: 15 }, (_, i) => backToBack(fromMs + 4 * i, 2, 1)).flat()
    const serialised = trialOf([{ label: 'A', slices: alternate(1000) }, { label: 'B', slices: alternate(1002) }])
    expect(check(serialised)[0]).toMatch(/^2 worker threads: on 2 cores, the workers ran at once for only 0 µs of a possible 30\.0 ms/)
    expect(implausibleLanes(serialised, lanesFigure(serialised, null), { logicalCores: 1 })).toEqual([])
  })

  it('passes workers that began one after the other, and says so: a late start is not a fault of the trace', () => {
    const oneThenOther = trialOf([{ label: 'child 1', slices: backToBack(1000, 30, 1) }, { label: 'child 2', slices: backToBack(1045, 30, 1) }], { id: 'processes-2', strategy: 'processes', title: '2 child processes' })
    const figure = lanesFigure(oneThenOther, null)
    expect(figure).toMatchObject({ overlapMs: 0, startSpreadMs: 45, sharedWindowMs: 0 })
    expect(figure.sentence).toContain('They ran one after the other, not side by side: each began its work only once the one before had finished (their work began 45.0 ms apart: each child process first starts its own Node runtime).')
    expect(figure.sentence).not.toContain('took turns')
    expect(check(oneThenOther)).toEqual([])
    // a late start that still leaves time together: the sentence says how long both had work, and the check measures against that
    const late = trialOf([{ label: 'child 1', slices: backToBack(1000, 30, 1) }, { label: 'child 2', slices: backToBack(1020, 30, 1) }], { id: 'processes-2', strategy: 'processes', title: '2 child processes' })
    const lateFigure = lanesFigure(late, null)
    expect(lateFigure).toMatchObject({ overlapMs: 10, possibleOverlapMs: 30, startSpreadMs: 20, sharedWindowMs: 10 })
    expect(lateFigure.sentence).toContain('Their work began up to 20.0 ms apart: each child process first starts its own Node runtime; both had work for only 10.0 ms, and ran at once for 100% of it.')
    expect(check(late)).toEqual([])
    const python = lanesFigure({ ...late, runtime: 'python', id: 'python-processes-2', title: 'Python: 2 processes' }, null)
    expect(python.sentence).toContain('Their work began up to 20.0 ms apart: each child process has to be started first;')
  })

  it('fails slices outside their trial (clocks that disagree) and a worker in two slices at once', () => {
    const skewed = trialOf([{ label: 'A', slices: backToBack(900, 30, 1) }, { label: 'B', slices: backToBack(1000, 30, 1) }])
    expect(check(skewed).some((p) => /lie outside the trial/.test(p))).toBe(true)
    const twice = trialOf([{ label: 'A', slices: [...backToBack(1000, 30, 1), { startMs: 1010, endMs: 1011, task: 'n' }] }, { label: 'B', slices: backToBack(1000, 30, 1) }])
    expect(check(twice).some((p) => /A was in two slices at once/.test(p))).toBe(true)
  })
})

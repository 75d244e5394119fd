import { describe, expect, it } from 'vitest'
import { TRACE_KEPT_PER_WORKER, analyzeRaceTrace, findLostUpdates, firstHandOver, type RaceTraceWorkerLog } from '../../src/shared/experiments/race-trace'

/** A worker's log from the values it read; each wrote its read + 1, as the code does. */
const worker = (...reads: number[]): RaceTraceWorkerLog => ({ reads, writes: reads.map((r) => r + 1) })
const serial = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k)

describe('lost updates in a trace', () => {
  it('finds exactly the increments that read a value already read, linked to the other reader', () => {
    // worker 0 reads 0, 1, 2; worker 1 also reads 1 (both write 2: one overwrote the other), then 3
    const scan = findLostUpdates({ found: 4, workers: [worker(0, 1, 2), worker(1, 3)] })
    expect(scan.links).toEqual([{ value: 1, first: { worker: 0, index: 1 }, second: { worker: 1, index: 0 }, crossWorker: true }])
    expect(scan.readAboveFinal).toBe(0)
    expect(scan.inconsistentWrites).toBe(0)
  })

  it('a late write that sets the counter back makes one worker read values again: linked within the worker, and counted', () => {
    // w0 reads 0 and is slow; w1 reads 0, 1, 2 (writes up to 3); w0 writes 1; w1 reads 1, 2, 3 again from there
    const scan = findLostUpdates({ found: 5, workers: [worker(0), worker(0, 1, 2, 1, 2, 3, 4)] })
    expect(scan.links.map((l) => [l.value, l.crossWorker])).toEqual([[0, true], [1, false], [2, false]])
  })

  it('finds the same links in a log whose values are not small whole numbers (a corrupt or foreign log) as in one whose are', () => {
    const workers = [worker(0, 1, 2, 5, 6), worker(1, 2, 3, 4, 5)]
    const whole = findLostUpdates({ found: 7, workers })
    expect(whole.links.map((l) => l.value)).toEqual([1, 2, 5])
    const shifted = (offset: number) => findLostUpdates({ found: 7 + offset, workers: workers.map((w) => ({ reads: Array.from(w.reads, (r) => r + offset), writes: Array.from(w.writes, (r) => r + offset) })) })
    for (const offset of [0.5, -10, 1e9]) {
      const scan = shifted(offset)
      expect(scan.links.map((l) => ({ ...l, value: l.value - offset }))).toEqual(whole.links)
      expect([scan.interleavings, scan.inconsistentWrites]).toEqual([whole.interleavings, whole.inconsistentWrites])
    }
  })

  it('counts the values read at or above the final count: undone by a late write at the end', () => {
    // w1 reads 0..3, then w0's stale write of 1 is the last: the counter ends at 1
    const trace = analyzeRaceTrace({ label: 'test', mustBeExact: false, found: 1, workers: [worker(0), worker(0, 1, 2, 3)] })
    expect(trace.lostUpdates).toBe(1)
    expect(trace.readAboveFinal).toBe(3)
    expect(trace.shortBy).toBe(4)
    expect(trace.accounted).toBe(true)
    expect(trace.sentences[1]).toMatch(/1 \+ 3 is the 4 the counter ended short/)
  })

  it('says the count agrees with the final value when it does', () => {
    const trace = analyzeRaceTrace({ label: 'Node: unsynchronised', mustBeExact: false, found: 4, workers: [worker(0, 1, 2), worker(1, 3)] })
    expect(trace).toMatchObject({ expected: 5, shortBy: 1, lostUpdates: 1, crossWorkerLostUpdates: 1, accounted: true, checkPassed: true })
    expect(trace.sentences[1]).toBe('1 increment read a value another increment had already read (each with its partner on the other worker), so its write was lost; the counter ended 1 short of 5: the two agree.')
  })

  it('a log that does not match the counter is called out, not explained away', () => {
    // the counter says 6, but nobody ever read 4 or 5: no history of these increments ends there
    const trace = analyzeRaceTrace({ label: 'test', mustBeExact: false, found: 6, workers: [worker(0, 1, 2), worker(1, 3)] })
    expect(trace.accounted).toBe(false)
    expect(trace.sentences[1]).toMatch(/does not account for the counter/)
    const lying = analyzeRaceTrace({ label: 'test', mustBeExact: false, found: 4, workers: [worker(0, 1, 2), { reads: [1, 3], writes: [5, 4] }] })
    expect(lying.inconsistentWrites).toBe(1)
    expect(lying.accounted).toBe(false)
  })

  it('the check of a mutex trace passes on a clean log and fails when one link is injected', () => {
    const clean = [worker(...serial(0, 50).filter((v) => v % 2 === 0)), worker(...serial(0, 50).filter((v) => v % 2 === 1))]
    const passed = analyzeRaceTrace({ label: 'Node: mutex', mustBeExact: true, found: 50, workers: clean })
    expect(passed.checkPassed).toBe(true)
    expect(passed.links).toEqual([])
    expect(passed.sentences.at(-1)).toBe('Check passed: no two of the 50 traced increments read the same value, and the counter ended at 50: Node: mutex let no update be lost. The workers did run together: 48 times a worker found that the other had written since its own last write.')

    // worker 1's increment that read 21 now reads 20, as worker 0's did: the same log with one lost update
    const injected = [clean[0]!, { reads: Array.from(clean[1]!.reads, (r) => (r === 21 ? 20 : r)), writes: Array.from(clean[1]!.writes, (w) => (w === 22 ? 21 : w)) }]
    const failed = analyzeRaceTrace({ label: 'Node: mutex', mustBeExact: true, found: 49, workers: injected })
    expect(failed.links).toEqual([{ value: 20, first: { worker: 0, index: 10 }, second: { worker: 1, index: 10 }, crossWorker: true }])
    expect(failed.checkPassed).toBe(false)
    expect(failed.sentences.at(-1)).toMatch(/^CHECK FAILED: Node: mutex must never lose an update, yet 1 traced increment read a value another had read/)
    // a count that claims exactness while the log has the link fails as well
    expect(analyzeRaceTrace({ label: 'Node: Atomics.add', mustBeExact: true, found: 50, workers: injected }).checkPassed).toBe(false)
  })

  it('without a lost update, the kept window starts where one worker hands the counter over to the other', () => {
    // worker 0 counts 0..99 alone, then the two take turns
    const reads0 = [...serial(0, 100), ...serial(100, 200).filter((v) => v % 2 === 0)]
    const reads1 = serial(100, 200).filter((v) => v % 2 === 1)
    expect(firstHandOver([worker(...reads0), worker(...reads1)])).toBe(101)
    const trace = analyzeRaceTrace({ label: 'Node: mutex', mustBeExact: true, found: 200, workers: [worker(...reads0), worker(...reads1)] })
    expect(trace.lanes.map((l) => l.reads[0])).toEqual([61, 101])
    expect(firstHandOver([worker(0, 1, 2)])).toBeUndefined()
  })

  it('keeps a bounded window that starts just before the first lost update, and says what it kept', () => {
    const reads0 = serial(0, 5000).filter((v) => v % 2 === 0)
    const reads1 = serial(0, 5000).filter((v) => v % 2 === 1).map((v) => (v === 3001 ? 3000 : v))
    const trace = analyzeRaceTrace({ label: 'test', mustBeExact: false, found: 4999, workers: [worker(...reads0), worker(...reads1)] })
    expect(trace.lostUpdates).toBe(1)
    expect(trace.lanes.map((l) => l.reads.length)).toEqual([TRACE_KEPT_PER_WORKER, TRACE_KEPT_PER_WORKER])
    expect(trace.lanes.every((l) => l.reads[0]! >= 3000 - 40 && l.reads[0]! < 3000)).toBe(true)
    expect(trace.links).toHaveLength(1)
    expect(trace.keptIncrements).toBe(2 * TRACE_KEPT_PER_WORKER)
    expect(trace.sentences.at(-1)).toBe(`The result keeps ${(2 * TRACE_KEPT_PER_WORKER).toLocaleString('en-US')} of the 5,000 logged increments (a window from just before the first lost update) and 1 of the 1 links.`)
  })
})

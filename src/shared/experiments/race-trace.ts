import { formatCount } from '../units'

/**
 * Lost updates, one by one: what the engine reads from the log of a traced trial, in which every
 * worker wrote down, for each of its increments, the counter value it read and the value it wrote.
 *
 * An increment that reads a value some other increment has already read writes the same value
 * as that one did, so one of the two writes is overwritten: a lost update. Counting them needs no
 * clock: for a counter that starts at 0 and only ever gets `read + 1` written to it, every value
 * below the final count was read at least once, so
 *   expected − found = (reads of a value already read) + (distinct values read at or above the final count),
 * the second term being increments undone by a late write that set the counter back below them.
 * A log that leaves out or alters increments breaks the equation (unless it also fakes the count).
 */

export interface TracedIncrementRef {
  worker: number
  /** The increment's position in its worker's log (0-based). */
  index: number
}

/** Two increments that read the same value: the later write overwrote the other. */
export interface LostUpdateLink {
  value: number
  first: TracedIncrementRef
  second: TracedIncrementRef
  /** False when one worker read the value twice (after another worker's late write set the counter back). */
  crossWorker: boolean
}

export interface RaceTraceWorkerLog {
  reads: ArrayLike<number>
  writes: ArrayLike<number>
  /** Time of each increment (after its write), ms from the trial's release; absent where not recorded. */
  atMs?: ArrayLike<number>
}

export interface RaceTraceLog {
  label: string
  /** A lock or an atomic operation: the log must show no lost update at all. */
  mustBeExact: boolean
  found: number
  workers: RaceTraceWorkerLog[]
}

/** The kept part of one worker's log: increments firstIndex, firstIndex + 1, … */
export interface RaceTraceLane {
  worker: number
  firstIndex: number
  reads: number[]
  writes: number[]
  /** µs from the release, after each write (Node only). */
  atUs?: number[]
}

export interface RaceTrace {
  label: string
  workers: number
  incrementsPerWorker: number
  expected: number
  found: number
  /** expected − found. */
  shortBy: number
  /** Increments that read a value another increment had already read: the lost updates the log shows one by one. */
  lostUpdates: number
  /** Of those, the ones whose partner was on another worker. */
  crossWorkerLostUpdates: number
  /** Distinct values read at or above the final count: increments undone by a late write. */
  readAboveFinal: number
  /**
   * Times a worker found the counter moved on since its own last write: another worker had written
   * in between. 0 means the workers ran one after the other, and the trace can show no race at all.
   */
  interleavings: number
  /** Increments whose write was not their read + 1 (never, in a log that is what it claims). */
  inconsistentWrites: number
  /** shortBy = lostUpdates + readAboveFinal and every write = read + 1. */
  accounted: boolean
  mustBeExact: boolean
  /** For an exact variant: no lost update, nothing unaccounted, found = expected. Always true otherwise. */
  checkPassed: boolean
  /** The kept links, in the order of their values. */
  links: LostUpdateLink[]
  lanes: RaceTraceLane[]
  keptIncrements: number
  totalIncrements: number
  /** The count, the accounting, the check (where there is one) and what was kept. */
  sentences: string[]
}

export interface LostUpdateScan {
  links: LostUpdateLink[]
  interleavings: number
  readAboveFinal: number
  inconsistentWrites: number
}

/** The last increment that read each counter value: worker and index, -1 for none yet. */
interface LastReaders {
  get(value: number): TracedIncrementRef | undefined
  set(value: number, worker: number, index: number): void
}

/**
 * Counter values are small whole numbers (at most the increments logged), so two typed arrays
 * indexed by value hold the last readers: a Map and an object per increment held the app's main
 * thread 80–140 ms for 2 × 100,000 increments. A log with other values falls back to a Map.
 */
function lastReadersFor(workers: readonly Pick<RaceTraceWorkerLog, 'reads'>[]): LastReaders {
  let total = 0
  let maxValue = 0
  let wholeNumbers = true
  for (const worker of workers) {
    total += worker.reads.length
    for (let index = 0; index < worker.reads.length; index++) {
      const value = worker.reads[index]!
      if (!Number.isInteger(value) || value < 0) wholeNumbers = false
      else if (value > maxValue) maxValue = value
    }
  }
  if (wholeNumbers && maxValue <= 2 * total + 1) {
    const lastWorker = new Int32Array(maxValue + 1).fill(-1)
    const lastIndex = new Int32Array(maxValue + 1)
    return {
      get: (value) => (lastWorker[value]! < 0 ? undefined : { worker: lastWorker[value]!, index: lastIndex[value]! }),
      set: (value, worker, index) => {
        lastWorker[value] = worker
        lastIndex[value] = index
      },
    }
  }
  const last = new Map<number, TracedIncrementRef>()
  return { get: (value) => last.get(value), set: (value, worker, index) => void last.set(value, { worker, index }) }
}

/** Every lost update in the log: each increment that read a value already read is linked to the previous reader of that value. */
export function findLostUpdates(log: Pick<RaceTraceLog, 'workers' | 'found'>): LostUpdateScan {
  const lastReader = lastReadersFor(log.workers)
  const links: LostUpdateLink[] = []
  const readAboveFinal = new Set<number>()
  let inconsistentWrites = 0
  let interleavings = 0
  log.workers.forEach((worker, w) => {
    for (let index = 0; index < worker.reads.length; index++) {
      const value = worker.reads[index]!
      if (worker.writes[index] !== value + 1) inconsistentWrites++
      if (index > 0 && value !== worker.writes[index - 1]) interleavings++
      if (value >= log.found) readAboveFinal.add(value)
      const previous = lastReader.get(value)
      if (previous) links.push({ value, first: previous, second: { worker: w, index }, crossWorker: previous.worker !== w })
      lastReader.set(value, w, index)
    }
  })
  links.sort((a, b) => a.value - b.value || a.second.worker - b.second.worker || a.second.index - b.second.index)
  return { links, interleavings, readAboveFinal: readAboveFinal.size, inconsistentWrites }
}

/** At most this many increments of each worker, and this many links, go into a result. */
export const TRACE_KEPT_PER_WORKER = 600
export const TRACE_KEPT_LINKS = 300
/** Increments kept before the first lost update, so the window shows the run-up to it. */
const TRACE_LEAD_IN = 40

/**
 * The first counter value one worker wrote and another then read: where the lanes meet. Both
 * workers have increments right around it, so a window there shows them taking turns.
 */
export function firstHandOver(lanes: readonly Pick<RaceTraceWorkerLog, 'reads' | 'writes'>[]): number | undefined {
  let first: number | undefined
  for (const lane of lanes) {
    for (let k = 1; k < lane.reads.length; k++) {
      if (lane.reads[k] !== lane.writes[k - 1]) {
        first = Math.min(first ?? Infinity, lane.writes[k - 1]!)
        break
      }
    }
  }
  return first
}

/**
 * Where the kept window starts, as a counter value: just before the first lost update between two
 * workers (else the first of any kind), or before the first hand-over, so the kept part shows the
 * workers interleaved.
 */
function windowStartValue(log: RaceTraceLog, links: readonly LostUpdateLink[]): number {
  const first = links.find((l) => l.crossWorker) ?? links[0]
  return (first?.value ?? firstHandOver(log.workers) ?? 0) - TRACE_LEAD_IN
}

function keptLanes(log: RaceTraceLog, fromValue: number): RaceTraceLane[] {
  return log.workers.map((worker, w) => {
    let start = 0
    while (start < worker.reads.length && worker.reads[start]! < fromValue) start++
    if (start === worker.reads.length) start = Math.max(0, worker.reads.length - TRACE_KEPT_PER_WORKER)
    const end = Math.min(worker.reads.length, start + TRACE_KEPT_PER_WORKER)
    const slice = (values: ArrayLike<number>): number[] => Array.from({ length: end - start }, (_, k) => values[start + k]!)
    const lane: RaceTraceLane = { worker: w, firstIndex: start, reads: slice(worker.reads), writes: slice(worker.writes) }
    if (worker.atMs) lane.atUs = slice(worker.atMs).map((ms) => Math.round(ms * 100_000) / 100)
    return lane
  })
}

const inLane = (lanes: readonly RaceTraceLane[], ref: TracedIncrementRef): boolean => {
  const lane = lanes[ref.worker]
  return lane !== undefined && ref.index >= lane.firstIndex && ref.index < lane.firstIndex + lane.reads.length
}

const count = formatCount
const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`

function accountingSentence(t: Omit<RaceTrace, 'sentences' | 'checkPassed'>): string {
  if (t.inconsistentWrites > 0) {
    return `The log does not hold together: ${plural(t.inconsistentWrites, 'increment')} wrote something other than the value it read + 1, which the code never does; the trace cannot be trusted.`
  }
  if (!t.accounted) {
    return `The log does not account for the counter: it ended ${count(t.shortBy)} short, but the log shows ${count(t.lostUpdates)} lost and ${count(t.readAboveFinal)} undone; entries are missing or wrong.`
  }
  if (t.shortBy === 0) return `No increment read a value another had read, and the counter ended at ${count(t.found)}, as expected.`
  const partners = t.crossWorkerLostUpdates === t.lostUpdates ? 'each with its partner on the other worker' : `${count(t.crossWorkerLostUpdates)} of them with their partner on another worker, the rest a worker reading again a value it had read before another's late write set the counter back`
  const found = `${plural(t.lostUpdates, 'increment')} read a value another increment had already read (${partners}), so ${t.lostUpdates === 1 ? 'its' : 'their'} write${t.lostUpdates === 1 ? ' was' : 's were'} lost`
  if (t.readAboveFinal === 0) return `${found}; the counter ended ${count(t.shortBy)} short of ${count(t.expected)}: the two agree.`
  return `${found}, and ${plural(t.readAboveFinal, 'value')} at or above the final count ${t.readAboveFinal === 1 ? 'was' : 'were'} read, by increments undone when a late write set the counter back below them; ${count(t.lostUpdates)} + ${count(t.readAboveFinal)} is the ${count(t.shortBy)} the counter ended short, so the log accounts for every lost update.`
}

function checkSentence(t: Omit<RaceTrace, 'sentences' | 'checkPassed'>, passed: boolean): string {
  if (passed) {
    const together = t.interleavings > 0
      ? ` The workers did run together: ${plural(t.interleavings, 'time')} a worker found that the other had written since its own last write.`
      : ' But the workers never found each other\'s writes between their own: they ran one after the other, so this trace could not have shown a race.'
    return `Check passed: no two of the ${count(t.totalIncrements)} traced increments read the same value, and the counter ended at ${count(t.expected)}: ${t.label} let no update be lost.${together}`
  }
  return `CHECK FAILED: ${t.label} must never lose an update, yet ${plural(t.lostUpdates, 'traced increment')} read a value another had read and the counter ended at ${count(t.found)} of ${count(t.expected)}: this is a bug in the lab or the runtime.`
}

/** The engine's reading of one traced trial, compact enough for a result. */
export function analyzeRaceTrace(log: RaceTraceLog): RaceTrace {
  const scan = findLostUpdates(log)
  const totalIncrements = log.workers.reduce((sum, w) => sum + w.reads.length, 0)
  const lostUpdates = scan.links.length
  const shortBy = totalIncrements - log.found
  const lanes = keptLanes(log, windowStartValue(log, scan.links))
  const links = scan.links.filter((l) => inLane(lanes, l.first) && inLane(lanes, l.second)).slice(0, TRACE_KEPT_LINKS)
  const keptIncrements = lanes.reduce((sum, lane) => sum + lane.reads.length, 0)
  const base = {
    label: log.label,
    workers: log.workers.length,
    incrementsPerWorker: log.workers[0]?.reads.length ?? 0,
    expected: totalIncrements,
    found: log.found,
    shortBy,
    lostUpdates,
    crossWorkerLostUpdates: scan.links.filter((l) => l.crossWorker).length,
    readAboveFinal: scan.readAboveFinal,
    interleavings: scan.interleavings,
    inconsistentWrites: scan.inconsistentWrites,
    accounted: scan.inconsistentWrites === 0 && shortBy === lostUpdates + scan.readAboveFinal,
    mustBeExact: log.mustBeExact,
    links,
    lanes,
    keptIncrements,
    totalIncrements,
  }
  const checkPassed = !log.mustBeExact || (lostUpdates === 0 && shortBy === 0 && base.accounted)
  const sentences = [
    `${base.label}, traced: ${base.workers} workers × ${count(base.incrementsPerWorker)} increments, each logging the value it read and the value it wrote; the counter ended at ${count(base.found)} of ${count(base.expected)}.`,
    accountingSentence(base),
  ]
  if (log.mustBeExact) sentences.push(checkSentence(base, checkPassed))
  if (keptIncrements < totalIncrements || links.length < lostUpdates) {
    const window = lostUpdates > 0 ? 'a window from just before the first lost update' : 'a window from where both workers were running'
    const kept = lostUpdates > 0 ? ` and ${count(links.length)} of the ${count(lostUpdates)} links` : ''
    sentences.push(`The result keeps ${count(keptIncrements)} of the ${count(totalIncrements)} logged increments (${window})${kept}.`)
  }
  return { ...base, checkPassed, sentences }
}

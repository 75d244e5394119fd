import { max, mean, median, min } from 'simple-statistics'
import {
  histogramEdges,
  histogramOf,
  type PythonRaceVariant,
  type RaceData,
  type RaceMode,
  type RaceTrialRecord,
  type RaceVariantData,
  type RaceVariantId,
} from '../../../shared/experiments/race'
import { countPerSecond, formatCount, formatDurationMs, formatRate, formatRatio, formatShare } from '../../../shared/units'

/** What each series is: how it is labelled, what one increment does, and whether it must be exact. */
export const RACE_VARIANTS: Record<RaceVariantId, { runtime: 'node' | 'python'; mode: RaceMode; label: string; code: string; mustBeExact: boolean }> = {
  'node-unsynchronised': { runtime: 'node', mode: 'unsynchronised', label: 'Node: unsynchronised', code: 'v = Atomics.load(cells, i); Atomics.store(cells, i, v + 1)', mustBeExact: false },
  'node-atomic': { runtime: 'node', mode: 'atomic', label: 'Node: Atomics.add', code: 'Atomics.add(cells, i, 1)', mustBeExact: true },
  'node-mutex': { runtime: 'node', mode: 'mutex', label: 'Node: mutex', code: 'lock(); v = Atomics.load(cells, i); Atomics.store(cells, i, v + 1); unlock()', mustBeExact: true },
  'python-unlocked': { runtime: 'python', mode: 'unsynchronised', label: 'Python: Counter (no lock)', code: 'self.count += offset', mustBeExact: false },
  'python-unlocked-call': { runtime: 'python', mode: 'unsynchronised', label: 'Python: Counter, a call between read and write', code: 'value = self.count; pause(); self.count = value + offset', mustBeExact: false },
  'python-locked': { runtime: 'python', mode: 'mutex', label: 'Python: LockingCounter', code: 'with self.lock: self.count += offset', mustBeExact: true },
}

export const pythonVariantId = (variant: PythonRaceVariant): RaceVariantId => `python-${variant}`

/** Share of the trial during which at least two workers were between their first and last increment. */
export function overlapShare(spans: readonly { startMs: number; endMs: number }[], durationMs: number): number {
  if (durationMs <= 0 || spans.length < 2) return 0
  const events = spans.flatMap((s) => [{ at: s.startMs, step: 1 }, { at: s.endMs, step: -1 }]).sort((a, b) => a.at - b.at || a.step - b.step)
  let running = 0
  let overlapMs = 0
  let previous = events[0]!.at
  for (const event of events) {
    if (running >= 2) overlapMs += event.at - previous
    running += event.step
    previous = event.at
  }
  return Math.min(1, overlapMs / durationMs)
}

export function trialRecord(trial: number, expected: number, found: number, durationMs: number, spans: readonly { startMs: number; endMs: number }[]): RaceTrialRecord {
  const lost = expected - found
  return {
    trial,
    expected,
    found,
    lost,
    lostShare: expected > 0 ? lost / expected : 0,
    durationMs,
    incrementsPerSecond: durationMs > 0 ? countPerSecond(expected, durationMs) : 0,
    overlapShare: overlapShare(spans, durationMs),
  }
}

/** One variant's figures; the histogram is filled in later, on bins shared by the whole run. */
export function variantData(id: RaceVariantId, trials: RaceTrialRecord[]): RaceVariantData {
  const info = RACE_VARIANTS[id]
  const lostShares = trials.map((t) => t.lostShare)
  const lost = trials.map((t) => t.lost)
  const lossyTrials = trials.filter((t) => t.lost > 0).length
  return {
    id,
    ...info,
    expectedPerTrial: trials[0]?.expected ?? 0,
    trials,
    exactTrials: trials.filter((t) => t.lost === 0).length,
    lossyTrials,
    lossyShare: trials.length > 0 ? lossyTrials / trials.length : 0,
    lostShare: { median: median(lostShares), mean: mean(lostShares), min: min(lostShares), max: max(lostShares) },
    lostMin: min(lost),
    lostMax: max(lost),
    foundValues: trials.map((t) => t.found),
    histogram: [],
    durationMsMedian: median(trials.map((t) => t.durationMs)),
    incrementsPerSecondMedian: median(trials.map((t) => t.incrementsPerSecond)),
    overlapShareMedian: median(trials.map((t) => t.overlapShare)),
    exactViolation: trials.some((t) => t.lost < 0 || (info.mustBeExact && t.lost !== 0)),
  }
}

export function withSharedHistogram(variants: RaceVariantData[]): { variants: RaceVariantData[]; edges: number[] } {
  const edges = histogramEdges(Math.max(0, ...variants.flatMap((v) => v.trials.map((t) => t.lostShare))))
  return { edges, variants: variants.map((v) => ({ ...v, histogram: histogramOf(v.trials.map((t) => t.lostShare), edges) })) }
}

const count = formatCount
const outOf = (v: RaceVariantData): string => `${v.lossyTrials}/${v.trials.length}`

function lossPhrase(v: RaceVariantData): string {
  return v.lossyTrials > 0 ? `lost updates in ${outOf(v)} trials (median ${formatShare(v.lostShare.median)} lost)` : `exact in ${v.exactTrials}/${v.trials.length} trials`
}

/** "unsynchronised lost updates in 20/20 trials (median 61% lost); atomic and mutex exact; mutex 2.6× slower than atomic; Python: …" */
export function raceHeadline(data: Pick<RaceData, 'variants' | 'slowdowns'>): string {
  const byId = new Map(data.variants.map((v) => [v.id, v]))
  const parts: string[] = []
  const unsynchronised = byId.get('node-unsynchronised')
  if (unsynchronised) parts.push(`unsynchronised ${lossPhrase(unsynchronised)}`)
  const exactOnes = (['node-atomic', 'node-mutex'] as const).flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []))
  const violated = exactOnes.filter((v) => v.exactViolation)
  const kept = exactOnes.filter((v) => !v.exactViolation).map((v) => v.mode)
  if (kept.length > 0) parts.push(`${kept.join(' and ')} exact`)
  for (const v of violated) parts.push(`${v.mode.toUpperCase()} NOT EXACT in ${v.trials.length - v.exactTrials}/${v.trials.length} trials`)
  if (data.slowdowns.mutexVsAtomic !== undefined) parts.push(`mutex ${formatRatio(data.slowdowns.mutexVsAtomic)} slower than atomic`)

  const python: string[] = []
  const unlocked = byId.get('python-unlocked')
  if (unlocked) python.push(`Counter ${lossPhrase(unlocked)}`)
  const call = byId.get('python-unlocked-call')
  if (call) python.push(`with a call between read and write ${lossPhrase(call)}`)
  const locked = byId.get('python-locked')
  if (locked) python.push(locked.exactViolation ? `LockingCounter NOT EXACT in ${locked.trials.length - locked.exactTrials}/${locked.trials.length} trials` : 'LockingCounter exact')
  if (python.length > 0) parts.push(`Python: ${python.join(', ')}`)
  return parts.join('; ')
}

/** Sentences about this run, each claiming only what it measured. */
export function raceExplanations(data: Pick<RaceData, 'variants' | 'slowdowns' | 'workers' | 'increments' | 'logicalCores' | 'python'>): string[] {
  const byId = new Map(data.variants.map((v) => [v.id, v]))
  const lines: string[] = []
  const cores = `${data.logicalCores} logical core${data.logicalCores === 1 ? '' : 's'}`

  const unsynchronised = byId.get('node-unsynchronised')
  if (unsynchronised) {
    if (unsynchronised.lossyTrials > 0) {
      lines.push(
        `Unsynchronised: ${unsynchronised.lossyTrials} of ${unsynchronised.trials.length} trials lost updates (median ${formatShare(unsynchronised.lostShare.median)}, worst ${count(unsynchronised.lostMax)} of ${count(unsynchronised.expectedPerTrial)}). Each increment reads the counter, adds one and writes it back in separate steps; when another worker writes between one worker's read and its write, that write is overwritten and its increments are lost.`,
      )
      if (unsynchronised.exactTrials > 0) {
        const overlapOf = (lossy: boolean): number => median(unsynchronised.trials.filter((t) => t.lost > 0 === lossy).map((t) => t.overlapShare))
        lines.push(
          `In the ${unsynchronised.exactTrials} exact trial${unsynchronised.exactTrials === 1 ? '' : 's'} the workers were running at the same time for a median ${formatShare(overlapOf(false))} of the trial, against ${formatShare(overlapOf(true))} in the trials that lost updates: when the other core is busy, workers that each need only a few milliseconds often run one after another.`,
        )
      }
    } else if (data.workers === 1) {
      lines.push('Unsynchronised: exact in every trial, as it must be with one worker: nobody else writes between its read and its write.')
    } else {
      lines.push(
        `Unsynchronised: exact in all ${unsynchronised.trials.length} trials this time. The workers were running at the same time for only ${formatShare(unsynchronised.overlapShareMedian)} of a trial (median), too little for two of them to meet between a read and a write; more increments per worker give them longer to overlap.`,
      )
    }
    if (data.workers > 1) {
      lines.push(
        `Why more cores and more overlap lose more: an update is lost only when two workers touch the counter at the same moment, so every moment two of them run at once on different cores is a chance to lose one; more workers and more increments make those moments longer and more frequent (here the workers overlapped for a median ${formatShare(unsynchronised.overlapShareMedian)} of each trial, on ${cores}). On one core the threads take turns, and an update is lost only when the OS happens to switch threads between a read and its write, which is much rarer.`,
      )
    }
  }

  const atomic = byId.get('node-atomic')
  if (atomic && !atomic.exactViolation) {
    const vsUnsynchronised = data.slowdowns.atomicVsUnsynchronised
    lines.push(
      `Atomics.add: exact in ${atomic.exactTrials} of ${atomic.trials.length} trials, as it must be: the read, the add and the write happen as one indivisible step (a locked instruction on x86). Median ${formatDurationMs(atomic.durationMsMedian)}, ${formatRate(atomic.incrementsPerSecondMedian)}${vsUnsynchronised === undefined ? '' : `; ${formatRatio(vsUnsynchronised)} the time of the unsynchronised version`}.`,
    )
  }
  const mutex = byId.get('node-mutex')
  if (mutex && !mutex.exactViolation) {
    const vsAtomic = data.slowdowns.mutexVsAtomic
    lines.push(
      `Mutex: exact in ${mutex.exactTrials} of ${mutex.trials.length} trials. Each increment takes the lock with a compare-exchange, does the same unsynchronised read-add-write, and releases it; a worker that finds the lock taken sleeps in Atomics.wait until the holder notifies it. Median ${formatDurationMs(mutex.durationMsMedian)}, ${formatRate(mutex.incrementsPerSecondMedian)}${vsAtomic === undefined ? '' : `: ${formatRatio(vsAtomic)} slower than Atomics.add, the price of two atomic operations per increment and of sleeping and waking under contention`}.`,
    )
  }
  for (const v of data.variants.filter((x) => x.exactViolation)) {
    lines.push(`${v.label} LOST UPDATES in ${v.trials.length - v.exactTrials} of ${v.trials.length} trials (up to ${count(v.lostMax)}), which a correct lock or atomic operation never does: this is a bug in the lab or in the runtime.`)
  }

  lines.push(...pythonExplanations(byId, data.python))
  return lines
}

/** What setting the switch interval changes, and what it cannot. */
export function switchIntervalSentence(setMs: number): string {
  return `The switch interval was set to ${formatDurationMs(setMs)} for this run (CPython's own is 5 ms): the running thread is asked to let go of the GIL that often, so a switch lands between a read and its write more often where the code has a point to switch at (the call variant). It cannot make the plain Counter lose on CPython 3.10 or later with the GIL, which has no such point inside self.count += offset, and it changes nothing on a build without the GIL, where threads do not take turns.`
}

export function pythonExplanations(byId: Map<RaceVariantId, RaceVariantData>, python: RaceData['python']): string[] {
  const lines: string[] = []
  const unlocked = byId.get('python-unlocked')
  const call = byId.get('python-unlocked-call')
  const locked = byId.get('python-locked')
  const name = `CPython ${python.version ?? ''}`.trim()
  const [major = 0, minor = 0] = (python.version ?? '').split('.').map(Number)
  const switchesAtCallsOnly = python.gilEnabled !== false && (major > 3 || (major === 3 && minor >= 10))
  if (unlocked) {
    if (unlocked.lossyTrials > 0) {
      const how = python.gilEnabled === false
        ? 'without the GIL its threads run at once, so one thread reads self.count while another is between its read and its write.'
        : 'the interpreter switched threads between the read and the write of self.count += offset.'
      lines.push(`${name}: the lesson's unlocked Counter lost updates in ${unlocked.lossyTrials} of ${unlocked.trials.length} trials (median ${formatShare(unlocked.lostShare.median)}): ${how}`)
    } else {
      const why = python.gilEnabled === false
        ? 'This Python runs without the GIL, so that is luck of the timing, not a guarantee.'
        : switchesAtCallsOnly
          ? `Not because it is safe: since 3.10, CPython lets another thread run only at certain points (a function call, a jump back in a loop) once the switch interval (${python.switchIntervalMs ?? 5} ms) has passed, and the read, the add and the write of self.count += offset have no such point between them. Nothing in the language promises this.`
          : 'That is luck of the timing, not a guarantee.'
      lines.push(`${name}: the lesson's unlocked Counter was exact in all ${unlocked.trials.length} trials. ${why}`)
    }
  }
  if (call) {
    lines.push(
      call.lossyTrials > 0
        ? `With a function call between the read and the write (the same unlocked counter), updates were lost in ${call.lossyTrials} of ${call.trials.length} trials (median ${formatShare(call.lostShare.median)}): ${python.gilEnabled === false ? 'without the GIL the threads run at once, and the call only widens the gap between the read and the write.' : 'the call is a point where the interpreter may switch threads, after the read and before the write.'}`
        : `With a function call between the read and the write, all ${call.trials.length} trials were exact this time: a switch there needs the switch interval to run out exactly at that call, which did not happen.`,
    )
  }
  if (locked && !locked.exactViolation) {
    const slowdown = unlocked ? locked.durationMsMedian / unlocked.durationMsMedian : undefined
    lines.push(`LockingCounter: exact in ${locked.exactTrials} of ${locked.trials.length} trials; median ${formatDurationMs(locked.durationMsMedian)}${slowdown === undefined ? '' : `, ${formatRatio(slowdown)} the time of the unlocked Counter`}.`)
  }
  if ((unlocked || locked) && python.interpreterStartupMs !== undefined) {
    lines.push(`Python's times are taken inside Python, from the release of the threads; starting the interpreter took ${formatDurationMs(python.interpreterStartupMs)} more, once.`)
  }
  return lines
}

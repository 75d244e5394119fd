import type { FanoutData } from '../experiments/fanout'
import type { PipelineData } from '../experiments/pipeline'
import type { RaceData, RaceVariantData } from '../experiments/race'
import type { BlockingIoData, FactorizeData, ScalingCurve } from '../experiments/threads'
import type { RunResult } from '../model/result'
import { formatDurationMs, formatPercent, formatRatio } from '../units'
import type { LessonVerdict, VerdictStatus } from './chapter'
import { lessons, type Lesson, type LessonId } from '../experiments/lessons'

/*
 * Each lesson's verdict, worded from the measured results alone: the key figure against the
 * classic claim, then where this machine differs from it, and why.
 */

/** A speedup of at least this share of its ideal counts as the claim holding. */
const HOLDS_SHARE_OF_IDEAL = 0.6
/** Below this, a speedup is "no faster" (noise and overheads of a short run). */
const CLEARLY_FASTER = 1.3

type ByExperiment = Map<string, RunResult>

/** The latest result of each experiment in the set. */
function latestByExperiment(results: readonly RunResult[]): ByExperiment {
  const latest: ByExperiment = new Map()
  for (const result of results) {
    const seen = latest.get(result.experimentId)
    if (!seen || seen.startedAt < result.startedAt) latest.set(result.experimentId, result)
  }
  return latest
}

interface Worded {
  status: VerdictStatus
  verdict: string
  evidence: string[]
  divergences: string[]
}

const notMeasured = (what: string): Worded => ({ status: 'not-measured', verdict: `${what} did not run, so this machine has no answer to this lesson yet.`, evidence: [], divergences: [] })

const idealText = (ideal: number): string => (Number.isInteger(ideal) ? `${ideal}×` : formatRatio(ideal))

/** CPython 3.10 moved the thread switch to calls and backward jumps (the eval breaker), which hides the lesson's race. */
const switchesOnlyAtCalls = (version: string | undefined): boolean => {
  const [major, minor] = (version ?? '').split('.').map(Number)
  return major === 3 && (minor ?? 0) >= 10
}

const medianOf = (result: RunResult, seriesId: string): number => result.series.find((s) => s.id === seriesId)?.summary.median ?? Number.NaN

function processesVerdict(byId: ByExperiment): Worded {
  const fanout = byId.get('fanout')
  if (!fanout) return notMeasured('Fan-out')
  const data = fanout.data as FanoutData
  const children = Number((fanout.params as { children?: number }).children ?? 0)
  const parallel = data.limits.find((row) => row.seriesId === 'parallel')
  const speedup = parallel?.speedup ?? fanout.comparisons[0]?.summary.median ?? Number.NaN
  const ideal = parallel?.ideal ?? children
  const share = speedup / ideal
  const status: VerdictStatus = share >= HOLDS_SHARE_OF_IDEAL ? 'holds' : speedup >= CLEARLY_FASTER ? 'partly' : 'diverges'
  const verdict = `${children} children at once took ${formatDurationMs(medianOf(fanout, 'parallel'))} instead of ${formatDurationMs(medianOf(fanout, 'serial'))} one after another: ${formatRatio(speedup)} faster, ideal ${idealText(ideal)}.`
  const evidence = [data.boundSentence, data.sweepSentence].filter((s): s is string => !!s)
  const divergences: string[] = []
  if (status !== 'holds') divergences.push(data.startSentence ?? `Starting each child costs ${formatDurationMs(data.spawnMsMedian)} here (median), and the children are started one after another, so the parallel run cannot finish with the longest child.`)

  const pipeline = byId.get('pipeline')
  if (pipeline) {
    const p = pipeline.data as PipelineData
    if (p.counts.emptyInput > 0) {
      divergences.push(`The lesson's pipeline as printed races: in ${p.counts.emptyInput} of ${p.counts.total} pipelines the parent read the encrypted bytes before the hash stage could, so it hashed nothing. ${p.fixSentence}`)
    } else {
      evidence.push(`Pipelines (${p.mode}): ${p.counts.verified} of ${p.counts.total} hashes verified.${p.mode === 'book' ? ' The race in the lesson\'s code did not show this time; it depends on which process reads the pipe first.' : ' The lesson\'s code as printed races for the pipe (the mode book shows it); the fixed version lets the hash stage be its only reader.'}`)
    }
    if (p.speedupSentence) evidence.push(p.speedupSentence)
  }
  for (const id of ['timeout', 'command', 'capture']) {
    const other = byId.get(id)
    if (other) evidence.push(other.headline)
  }
  return { status, verdict, evidence, divergences }
}

const bestPoint = (curve: ScalingCurve | undefined): { workers: number; speedup: number } | undefined =>
  curve?.points.reduce<{ workers: number; speedup: number } | undefined>((best, p) => (!best || p.speedup > best.speedup ? { workers: p.workers, speedup: p.speedup } : best), undefined)

const curveOf = (data: FactorizeData, runtime: string, strategy: string): ScalingCurve | undefined => data.scaling.find((c) => c.runtime === runtime && c.strategy === strategy)

const atBest = (point: { workers: number; speedup: number }): string => `${formatRatio(point.speedup)} at best (${point.workers} workers)`

function threadsVerdict(byId: ByExperiment): Worded {
  const io = byId.get('blocking-io')
  const cpu = byId.get('factorize')
  if (!io && !cpu) return notMeasured('Blocking I/O and Factorize')
  const parts: string[] = []
  const evidence: string[] = []
  const divergences: string[] = []
  let ioHolds = true
  if (io) {
    const data = io.data as BlockingIoData
    const threads = data.outcomes.find((o) => o.runtime === 'node' && o.strategy === 'threads') ?? data.outcomes.find((o) => o.strategy === 'threads')
    const serial = data.outcomes.find((o) => o.runtime === threads?.runtime && o.strategy === 'serial')
    const speedup = threads?.speedup ?? Number.NaN
    ioHolds = speedup >= HOLDS_SHARE_OF_IDEAL * data.calls
    parts.push(`${data.calls} blocking calls of ${formatDurationMs(data.ms)} took ${formatDurationMs(threads?.medianMs ?? Number.NaN)} on ${data.calls} threads instead of ${formatDurationMs(serial?.medianMs ?? Number.NaN)} (${formatRatio(speedup)}, ideal ${idealText(data.calls)})`)
    const python = data.outcomes.find((o) => o.runtime === 'python' && o.strategy === 'threads')
    if (python?.speedup) evidence.push(`Python threads waiting in select() overlapped too: ${formatRatio(python.speedup)} faster than one after another, GIL or not, because a waiting thread lets go of it.`)
    if (!ioHolds) divergences.push(`Threads that only wait should overlap almost fully; here they reached ${formatRatio(speedup)} of ${formatRatio(data.calls)}. A busy machine (load average at start ${io.machine.loadAverage[0].toFixed(2)}) delays waking the threads.`)
  }
  let cpuHolds = true
  if (cpu) {
    const data = cpu.data as FactorizeData
    const cores = data.logicalCores
    const pythonThreads = bestPoint(curveOf(data, 'python', 'threads'))
    const oneThread = bestPoint(curveOf(data, 'node', 'concurrent'))
    const nodeThreads = bestPoint(curveOf(data, 'node', 'threads'))
    const processes = [bestPoint(curveOf(data, 'node', 'processes')), bestPoint(curveOf(data, 'python', 'processes'))].filter((p): p is { workers: number; speedup: number } => !!p)
    const underOneLock = pythonThreads ?? oneThread
    if (underOneLock) {
      const who = pythonThreads ? `Python threads under the GIL` : 'async tasks taking turns on one thread'
      parts.push(`on CPU work ${who} reached ${atBest(underOneLock)}`)
    }
    const parallelBest = [nodeThreads, ...processes].filter((p): p is { workers: number; speedup: number } => !!p).sort((a, b) => b.speedup - a.speedup)[0]
    if (nodeThreads) parts.push(`Node's worker threads, which share no lock, ${atBest(nodeThreads)} on ${cores} logical cores`)
    const gilOff = data.python.ran && data.python.gilEnabled === false
    if (pythonThreads && pythonThreads.speedup >= CLEARLY_FASTER) {
      cpuHolds = false
      divergences.push(
        gilOff
          ? `This Python (${data.python.version ?? '?'}) is free-threaded and runs with the GIL off: its threads computed in parallel (${atBest(pythonThreads)}), which the classic claim, written for the GIL, says they cannot.`
          : `Python threads reached ${atBest(pythonThreads)} on CPU work although the GIL was on: the run is short, so its noise may be larger than the effect; run Factorize with more runs or a larger scale.`,
      )
    }
    if (cores >= 2 && (!parallelBest || parallelBest.speedup < CLEARLY_FASTER)) {
      cpuHolds = false
      const processStart = data.startup.processMedianMs?.[0]?.ms
      divergences.push(
        `Nothing computed clearly faster in parallel here (the best: ${parallelBest ? `${formatRatio(parallelBest.speedup)} with ${parallelBest.workers} workers` : 'none ran'}) although the machine has ${cores} logical cores: a serial run of ${formatDurationMs(medianOf(cpu, 'serial'))} is short next to starting workers${processStart ? ` (a child process takes ${formatDurationMs(processStart)} to start Node)` : ''} and handing them the work, and other programs share the cores. A larger scale makes the work outweigh the start.`,
      )
    } else if (cores < 2) {
      divergences.push('This machine has one logical core: no strategy can compute in parallel on it, so only the waiting half of the lesson can show.')
    }
    const pythonProcesses = bestPoint(curveOf(data, 'python', 'processes'))
    if (pythonProcesses && pythonProcesses.speedup < CLEARLY_FASTER && cores >= 2 && parallelBest && parallelBest.speedup >= CLEARLY_FASTER) {
      divergences.push(`Python processes, the classic way around the GIL, reached only ${atBest(pythonProcesses)}: each starts an interpreter and receives its numbers by pickling, which a run this short does not earn back.`)
    }
    if (data.python.sentence) evidence.push(data.python.sentence)
    evidence.push(...data.findings.slice(0, 3))
  }
  const status: VerdictStatus = ioHolds && cpuHolds ? 'holds' : ioHolds || cpuHolds ? 'partly' : 'diverges'
  return { status, verdict: `${capitalize(parts.join('; '))}.`, evidence, divergences }
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

const lostText = (v: RaceVariantData): string => `lost updates in ${v.lossyTrials} of ${v.trials.length} trials (up to ${formatPercent(v.lostShare.max, 1)} of them)`

function racesVerdict(byId: ByExperiment): Worded {
  const race = byId.get('race')
  if (!race) return notMeasured('Races')
  const data = race.data as RaceData
  const variant = (id: string): RaceVariantData | undefined => data.variants.find((v) => v.id === id)
  const unlocked = data.variants.filter((v) => !v.mustBeExact)
  const locked = data.variants.filter((v) => v.mustBeExact)
  const lossy = unlocked.filter((v) => v.lossyTrials > 0)
  const lockedExact = locked.every((v) => !v.exactViolation && v.lossyTrials === 0)
  const status: VerdictStatus = !lockedExact ? 'diverges' : lossy.length > 0 ? 'holds' : 'partly'
  const node = variant('node-unsynchronised')
  const first = node && node.lossyTrials > 0 ? node : (lossy[0] ?? node ?? unlocked[0])
  const unlockedPart = first ? `without a lock, ${first.label} ${first.lossyTrials > 0 ? lostText(first) : `stayed exact in all ${first.trials.length} trials`}` : 'no unlocked counter ran'
  const lockedPart = locked.length === 0 ? '' : lockedExact ? `; ${locked.map((v) => v.label).join(', ')} stayed exact in every trial` : `; but ${locked.filter((v) => v.exactViolation || v.lossyTrials > 0).map((v) => v.label).join(', ')} lost updates, which a correct lock never does`
  const evidence = [...lossy.filter((v) => v !== first).map((v) => `${v.label} ${lostText(v)}.`), data.slowdownSentence].filter((s): s is string => !!s)
  const divergences: string[] = []
  const pythonUnlocked = variant('python-unlocked')
  if (pythonUnlocked && pythonUnlocked.lossyTrials === 0) {
    const withCall = variant('python-unlocked-call')
    divergences.push(
      `${data.python.version ? `Python ${data.python.version}` : 'Python'} kept the unlocked Counter exact in all ${pythonUnlocked.trials.length} trials: ${switchesOnlyAtCalls(data.python.version) ? 'since CPython 3.10 a thread is switched only at a call or a backward jump, and self.count += 1 has neither between its read and its write' : 'no thread was switched between a read and its write in these trials'}.${withCall ? ` With one call between them it ${withCall.lossyTrials > 0 ? lostText(withCall) : 'stayed exact too'}.` : ''} Timing is not a guarantee: the lock is what makes it correct.`,
    )
  }
  if (node && node.lossyTrials === 0) {
    divergences.push(`Node's unsynchronised counter lost nothing in ${node.trials.length} trials: its workers overlapped ${formatPercent(node.overlapShareMedian, 0)} of the time (median), too little for two to meet at the same read and write. A race that does not show is still a race: more workers or increments make it show.`)
  }
  return { status, verdict: `${capitalize(unlockedPart)}${lockedPart}.`, evidence, divergences }
}

const WORDING: Record<LessonId, (byId: ByExperiment) => Worded> = { processes: processesVerdict, threads: threadsVerdict, races: racesVerdict }

function verdictFor(lesson: Lesson, byId: ByExperiment): LessonVerdict {
  const worded = WORDING[lesson.id](byId)
  const runIds = lesson.experimentIds.map((id) => byId.get(id)?.runId).filter((id): id is string => !!id)
  return { lessonId: lesson.id, title: lesson.title, claim: lesson.claim, ...worded, runIds }
}

/** Every lesson's verdict from a set of results (a chapter run, or an imported bundle). */
export function lessonVerdicts(results: readonly RunResult[]): LessonVerdict[] {
  const byId = latestByExperiment(results)
  return lessons.map((lesson) => verdictFor(lesson, byId))
}

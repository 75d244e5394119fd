import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import type { BlockingIoData, BlockingIoParams, Runtime } from '../../../shared/experiments/threads'
import type { LanesFigure } from '../../../shared/experiments/worker-lanes'
import type { Comparison, RunWarning, Series, Timeline, TimelineSpan } from '../../../shared/model/result'
import { formatDurationMs, formatRatio } from '../../../shared/units'
import { batchSignal } from '../measure/batch-signal'
import { watchEventLoop } from '../measure/event-loop'
import { measureInterleaved, type Variant } from '../measure/interleave'
import { runAll } from '../pool/run-all'
import { WorkerPool, type PoolStartup } from '../pool/worker-pool'
import type { ComputeTasks } from '../workers/compute-tasks'
import type { InterpreterComparison } from '../../../shared/experiments/interpreters'
import { interpreterLabel } from '../../../shared/model/interpreter-label'
import type { PythonInfo } from '../../../shared/model/machine'
import { speedupEvidence } from '../../../shared/stats/speedup-evidence'
import { besideWarnings, runBeside, type BesideRun } from '../python/side-by-side'
import { compare, toSeries, type ExperimentContext, type ExperimentRunner } from './experiment'
import { speedupComparison } from './explain/interpreters'
import { lanesFigure, type TracedLane } from './worker-lanes'
import { describePython, planRuntimes, pythonRuntimeInfo, runThreadsScript, seriesOfPython, spansOfPython, type PythonScriptInfo, type PythonScriptOutput } from './threads-python'

/**
 * K blocking calls of D ms: one after another on one thread (K × D), on K worker threads that
 * each block (≈ D), and as non-blocking async calls on one thread (≈ D); Python alike.
 */

interface BlockingDetail {
  spans: TimelineSpan[]
}

type Strategy = BlockingIoData['outcomes'][number]['strategy']

interface MeasuredBlocking {
  runtime: Runtime
  strategy: Strategy
  series: Series
  spans: TimelineSpan[]
  comparison?: Comparison
}

const callSpan = (call: number, startMs: number, endMs: number, where: string): TimelineSpan => ({ lane: call, label: `call ${call + 1}`, startMs, endMs, outcome: 'exited', detail: where })

function nodeVariants(pool: WorkerPool<ComputeTasks>, params: BlockingIoParams): (Variant<BlockingDetail> & { strategy: Strategy })[] {
  const oneCall = { durationMs: params.ms, calls: 1 }
  const oneCallEach = Array.from({ length: params.calls }, () => oneCall)
  return [
    {
      id: 'serial',
      label: 'Serial: one thread blocks for each call in turn',
      strategy: 'serial',
      async run(signal) {
        const originMs = performance.now()
        const run = await pool.run('block', { durationMs: params.ms, calls: params.calls }, { signal })
        const valueMs = performance.now() - originMs
        const base = run.startedAtMs - originMs
        return { valueMs, detail: { spans: run.value.spans.map((s, call) => callSpan(call, base + s.startMs, base + s.endMs, `thread ${run.threadId} (Atomics.wait)`)) } }
      },
    },
    {
      id: `threads-${params.calls}`,
      label: `${params.calls} worker threads, each blocking`,
      strategy: 'threads',
      async run(signal) {
        const originMs = performance.now()
        const runs = await runAll(pool, 'block', oneCallEach, { signal })
        const valueMs = performance.now() - originMs
        return { valueMs, detail: { spans: runs.map((run, call) => callSpan(call, run.startedAtMs - originMs, run.finishedAtMs - originMs, `thread ${run.threadId} (Atomics.wait)`)) } }
      },
    },
    {
      id: 'async',
      label: 'Async: non-blocking calls on one thread',
      strategy: 'async',
      async run(signal) {
        const batch = batchSignal(signal)
        const originMs = performance.now()
        try {
          const spans = await Promise.all(
            Array.from({ length: params.calls }, async (_, call) => {
              const startMs = performance.now() - originMs
              await sleep(params.ms, undefined, { signal: batch.signal })
              return callSpan(call, startMs, performance.now() - originMs, 'main thread (a timer)')
            }),
          )
          return { valueMs: performance.now() - originMs, detail: { spans } }
        } finally {
          batch.release()
        }
      },
    },
  ]
}

interface BlockingScriptOutput extends PythonScriptOutput {
  calls: number
  ms: number
}

/** Where several interpreters ran, each series is named after its interpreter, then this. */
const INTERPRETER_LABELS: Record<string, string> = { serial: 'serial (select)', threads: 'threads blocking in select', asyncio: 'asyncio' }
const PYTHON_LABELS: Record<string, string> = { serial: 'Python serial (select, one after another)', threads: 'Python threads, each blocking in select', asyncio: 'Python asyncio (non-blocking sleeps)' }

/** Calls in flight on average: the sum of the calls' durations over the wall time. */
const overlapOf = (spans: readonly TimelineSpan[], wallMs: number): number => (wallMs > 0 ? spans.reduce((sum, s) => sum + (s.endMs - s.startMs), 0) / wallMs : 0)

/**
 * Who waited when, from the last measured trial (a blocking call stamps nothing extra): one lane
 * per thread where calls share one (serial, and each worker thread of the pool), else one per call
 * in flight (async waits on one thread, Python's pool threads).
 */
function blockingLanes(m: MeasuredBlocking, wallMs: number): LanesFigure {
  // Node's spans say which thread waited ("thread 3 (Atomics.wait)"); Python's say which call
  const threadOf = (span: TimelineSpan): string => (m.runtime === 'node' ? (span.detail ?? span.label).replace(/ \(.*\)$/, '') : 'main thread')
  const sharesThreads = m.strategy === 'serial' || (m.runtime === 'node' && m.strategy === 'threads')
  const lanes = new Map<string, TracedLane>()
  for (const span of m.spans) {
    const label = sharesThreads ? threadOf(span) : `${span.label} (${m.strategy === 'threads' ? 'on a pool thread' : 'on one thread'})`
    const lane = lanes.get(label) ?? { label, slices: [] }
    lane.slices.push({ startMs: span.startMs, endMs: span.endMs, task: span.label })
    lanes.set(label, lane)
  }
  return lanesFigure(
    { id: m.series.id, runtime: m.runtime, strategy: m.strategy, workers: lanes.size, title: `${m.runtime === 'node' ? 'Node' : 'Python'}: ${m.series.label}`, activity: 'waiting', startedAtMs: 0, finishedAtMs: wallMs, lanes: [...lanes.values()] },
    null,
  )
}

/** The Python originals on one interpreter: serial, threads and asyncio, measured inside Python. */
async function measurePythonBlocking(params: BlockingIoParams, context: ExperimentContext, interpreter: PythonInfo, seriesPrefix: string, who?: string): Promise<PythonBlocking> {
  context.progress(`Running the Python originals (${interpreterLabel(interpreter)}, ${interpreter.executable ?? interpreter.command})`, 0, 0)
  const args = ['blocking', '--calls', String(params.calls), '--ms', String(params.ms), '--runs', String(params.runs), '--warmup', String(params.warmup)]
  const timeoutMs = 60_000 + (params.runs + params.warmup) * params.calls * params.ms * 3
  const { output, interpreterStartupMs } = await runThreadsScript<BlockingScriptOutput>(context, args, timeoutMs, interpreter)
  const label = (strategy: string, id: string): string => (who ? `${who}: ${INTERPRETER_LABELS[strategy] ?? id}` : (PYTHON_LABELS[strategy] ?? id))
  const series = output.variants.map((v) => seriesOfPython(v, label(v.strategy, v.id), seriesPrefix))
  const measured = output.variants.map(
    (v, i): MeasuredBlocking => ({
      runtime: 'python',
      strategy: v.strategy as Strategy,
      series: series[i]!,
      spans: spansOfPython(v, (span) => `call ${span.index + 1}`),
      comparison: i === 0 ? undefined : compare(series[0]!, series[i]!, params.calls, params.calls),
    }),
  )
  return { info: pythonRuntimeInfo(output.python, interpreterStartupMs), measured, script: output.python }
}

/** One interpreter's Python originals, as measured, and what its script said of itself. */
interface PythonBlocking {
  info: BlockingIoData['python']
  measured: MeasuredBlocking[]
  script: PythonScriptInfo
}

/** Each interpreter's threads and asyncio against its own serial run, and what that says. */
function interpretersOfRun(params: BlockingIoParams, machine: ExperimentContext['machine'], primary: PythonBlocking | undefined, python: BlockingIoData['python'], beside: readonly BesideRun<PythonBlocking>[], measured: readonly MeasuredBlocking[]): InterpreterComparison | undefined {
  if (beside.length === 0) return undefined
  return speedupComparison([{ python: machine.python, index: 0, value: primary, reason: python.reason }, ...beside], {
    series: measured.map((m) => m.series),
    comparisons: measured.flatMap((m) => (m.comparison ? [m.comparison] : [])),
    variantsOf: (run) => run.measured.filter((m) => m.strategy !== 'serial').map((m) => ({ seriesId: m.series.id, variant: m.strategy, label: m.strategy === 'threads' ? `${params.calls} threads` : 'asyncio' })),
    runtimeOf: (run) => run.script,
    explain: (run) => {
      const threads = run.rows.find((r) => r.variant === 'threads')
      if (!threads?.speedup) return `${run.label}: only serial ran.`
      const evidence = speedupEvidence(threads.speedup.ci95, threads.speedup.runs)
      return `${run.label}: ${threads.label} ran ${formatRatio(threads.speedup.median)} as fast as serial${evidence.qualifier}. ${evidence.verdict === 'faster' ? 'A thread waiting in select() lets go of the GIL (or there is none), so the waits overlap on any build.' : 'Waiting threads let go of the GIL, so they should overlap; this run does not show it.'}`
    },
  })
}

export const blockingIoRunner: ExperimentRunner<BlockingIoParams, BlockingIoData> = {
  id: 'blocking-io',
  async run(params, context) {
    const plan = planRuntimes(params.runtime, context.machine.python)
    const warnings: RunWarning[] = [...plan.warnings]
    const measured: MeasuredBlocking[] = []
    let poolStartup: PoolStartup | undefined
    let python = { ran: false, reason: plan.pythonSkipped } as BlockingIoData['python']
    let primaryPython: PythonBlocking | undefined
    let beside: BesideRun<PythonBlocking>[] = []
    const loop = watchEventLoop()
    let eventLoopDelay
    try {
      if (plan.runtimes.includes('node')) {
        const pool = new WorkerPool<ComputeTasks>({ filename: join(context.paths.workersDir, 'compute.js'), size: params.calls, name: 'blocking' })
        try {
          context.progress(`Starting ${params.calls} worker threads`, 0, 0)
          poolStartup = await pool.ready()
          const variants = nodeVariants(pool, params)
          const results = await measureInterleaved(variants, { warmup: params.warmup, runs: params.runs, signal: context.signal, onProgress: context.progress })
          const series = results.map(toSeries)
          results.forEach((result, i) => {
            measured.push({
              runtime: 'node',
              strategy: variants[i]!.strategy,
              series: series[i]!,
              spans: result.details.at(-1)?.spans ?? [],
              comparison: i === 0 ? undefined : compare(series[0]!, series[i]!, params.calls, params.calls),
            })
          })
        } finally {
          await pool.destroy()
        }
      }
      if (plan.runtimes.includes('python')) {
        primaryPython = await measurePythonBlocking(params, context, context.machine.python, 'python-', context.machine.pythonsSideBySide?.length ? interpreterLabel(context.machine.python) : undefined)
        python = primaryPython.info
        measured.push(...primaryPython.measured)
      }
      if (params.runtime !== 'node') {
        beside = await runBeside(context.machine, context.signal, (other, prefix, label) => measurePythonBlocking(params, context, other, prefix, label))
      }
    } finally {
      eventLoopDelay = loop.stop()
    }

    const serialIdealMs = params.calls * params.ms
    const outcomes = measured.map((m) => ({
      runtime: m.runtime,
      strategy: m.strategy,
      seriesId: m.series.id,
      medianMs: m.series.summary.median,
      speedup: m.comparison ? m.comparison.summary.median : null,
      overlap: overlapOf(m.spans, m.series.samples.at(-1)?.valueMs ?? 0),
    }))
    const find = (runtime: Runtime, strategy: Strategy): BlockingIoData['outcomes'][number] | undefined => outcomes.find((o) => o.runtime === runtime && o.strategy === strategy)
    const findings: string[] = []
    const nodeSerial = find('node', 'serial')
    const nodeThreads = find('node', 'threads')
    const nodeAsync = find('node', 'async')
    if (nodeSerial) findings.push(`One after another, ${params.calls} blocking calls of ${params.ms} ms took ${formatDurationMs(nodeSerial.medianMs)} (${params.calls} × ${params.ms} ms = ${formatDurationMs(serialIdealMs)}).`)
    if (nodeThreads) {
      findings.push(
        `On ${params.calls} worker threads, each blocking its own thread, they took ${formatDurationMs(nodeThreads.medianMs)} (${formatRatio(nodeThreads.speedup ?? Number.NaN)} faster): a blocked thread waits without using a core, so the calls overlap even on ${context.machine.logicalCores} cores.`,
      )
    }
    if (nodeAsync) findings.push(`As non-blocking async calls on one thread they took ${formatDurationMs(nodeAsync.medianMs)}: the event loop waits for all of them at once, with no extra threads.`)
    const pythonSerial = find('python', 'serial')
    const pythonThreads = find('python', 'threads')
    const pythonAsync = find('python', 'asyncio')
    if (pythonSerial && pythonThreads) {
      findings.push(
        `${describePython(python)}: serial ${formatDurationMs(pythonSerial.medianMs)}, ${params.calls} threads ${formatDurationMs(pythonThreads.medianMs)} (${formatRatio(pythonThreads.speedup ?? Number.NaN)})${pythonAsync ? `, asyncio ${formatDurationMs(pythonAsync.medianMs)}` : ''}: a thread waiting in select() releases the GIL, so threads do help blocking I/O.`,
      )
    }
    findings.push(
      eventLoopDelay.maxMs <= 20
        ? `The lab's event loop, which starts and times the calls, stayed responsive throughout: it never ran more than ${formatDurationMs(eventLoopDelay.maxMs)} late.`
        : `The lab's event loop, which starts and times the calls, was held up for up to ${formatDurationMs(eventLoopDelay.maxMs)} during the run.`,
    )
    const describe = (runtime: Runtime): string =>
      outcomes
        .filter((o) => o.runtime === runtime)
        .map((o) => `${o.strategy} ${formatDurationMs(o.medianMs)}`)
        .join(', ')
    const headline = `${params.calls} × ${params.ms} ms blocking calls: ${[plan.runtimes.includes('node') ? `Node ${describe('node')}` : '', python.ran ? `Python ${describe('python')}` : ''].filter(Boolean).join('; ')}`

    const timelines: Timeline[] = measured.map((m) => ({ id: m.series.id, title: `${m.runtime === 'node' ? 'Node' : 'Python'}: ${m.series.label}`, spans: m.spans }))
    warnings.push(...besideWarnings(beside))
    const everyMeasured = [...measured, ...beside.flatMap((b) => b.value?.measured ?? [])]
    const interpreters = interpretersOfRun(params, context.machine, primaryPython, python, beside, everyMeasured)
    return {
      series: everyMeasured.map((m) => m.series),
      comparisons: everyMeasured.flatMap((m) => (m.comparison ? [m.comparison] : [])),
      timelines,
      warnings,
      headline,
      data: {
        calls: params.calls,
        ms: params.ms,
        serialIdealMs,
        runtimes: plan.runtimes,
        outcomes,
        poolStartup: poolStartup ? { workers: poolStartup.workers, allReadyMs: poolStartup.allReadyMs } : undefined,
        eventLoopDelay,
        python,
        findings,
        lanes: measured.map((m) => blockingLanes(m, m.series.samples.at(-1)?.valueMs ?? 0)),
        ...(interpreters ? { interpreters } : {}),
      },
    }
  },
}

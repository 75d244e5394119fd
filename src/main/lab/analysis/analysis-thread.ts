import { LabError } from '../../../shared/errors'
import { WorkerPool } from '../pool/worker-pool'
import type { AnalysisTasks } from './analysis-tasks'

/**
 * One worker thread per run for reading what the run recorded: parsing a script's long report,
 * scanning traces of 100,000s of increments, summarising trials. Done on the main thread, these
 * held it 40–110 ms at a time — in the desktop app the thread that also answers the window.
 * Started on first use, ended with its run (a cancel ends a task in progress with its thread).
 */
export class AnalysisThread {
  private pool: WorkerPool<AnalysisTasks> | undefined
  private closed = false

  constructor(private readonly workerFile: string) {}

  async run<K extends keyof AnalysisTasks & string>(kind: K, input: AnalysisTasks[K]['input'], signal?: AbortSignal): Promise<AnalysisTasks[K]['output']> {
    if (this.closed) throw new LabError('internal', `The run's analysis thread was asked for "${kind}" after the run ended.`)
    this.pool ??= new WorkerPool<AnalysisTasks>({ filename: this.workerFile, size: 1, name: 'analysis' })
    return (await this.pool.run(kind, input, { signal })).value
  }

  /** Ends the thread, if it was started; later calls to run() fail. */
  async close(): Promise<void> {
    this.closed = true
    await this.pool?.destroy()
  }
}

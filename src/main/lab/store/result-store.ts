import { randomUUID } from 'node:crypto'
import { link, mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { LabError } from '../../../shared/errors'
import { parseRunResult } from '../../../shared/model/result-schema'
import type { ResultListing, RunResult, StoreProblem } from '../../../shared/model/result'
import { lessonVerdict } from '../experiments/explain/verdict'
import { completeSavedResult } from './complete-result'
import { FileHeldOpenError, heldOpenRetry, retryWhileHeldOpen, type HeldOpenRetry } from './held-open'

const RUN_ID = /^[A-Za-z0-9-]{1,64}$/
const RESULT_FILE = /^([A-Za-z0-9-]{1,64})\.json$/

function toListing(result: RunResult): ResultListing {
  return { runId: result.runId, experimentId: result.experimentId, name: result.name, startedAt: result.startedAt, durationMs: result.durationMs, headline: result.headline, verdict: result.verdict ?? lessonVerdict(result) }
}

const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code

/** A sentence about a failed write that says what to do; `what` is "this result", "the new name", … */
function writeFailure(dir: string, error: unknown, what: string): LabError {
  const code = codeOf(error)
  const keep = 'Earlier results are untouched.'
  if (error instanceof FileHeldOpenError) {
    return new LabError('store-failed', `${error.message} So ${what} was not saved. Try again in a moment; if it keeps happening, exclude ${dir} from that program's scanning. ${keep}`)
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new LabError('store-failed', `The results folder ${dir} is not writable (${code}), so ${what} was not saved. Choose a writable data folder (on the command line: --data-dir DIR). ${keep}`)
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new LabError('store-failed', `The disk holding ${dir} is full (${code}), so ${what} was not saved. Free some space and try again. ${keep}`)
  }
  return new LabError('store-failed', `${what[0]!.toUpperCase()}${what.slice(1)} could not be saved in ${dir}: ${(error as Error).message}. ${keep}`)
}

/** An import whose run id another file already has (it then gets a new one). */
class RunIdTaken extends Error {}

/**
 * Finished runs as one JSON file each. A file is written to a temporary name, flushed, then
 * renamed over its target, so a crash or kill mid-write leaves the earlier file whole; an
 * unreadable file (damaged, from a newer lab, not a result) is reported and skipped. Operations on
 * one run id (save, rename, delete, import) run one after another, in the order they were asked for,
 * so a rename cannot bring back a result that a delete before it removed.
 */
export class ResultStore {
  private readonly queues = new Map<string, Promise<unknown>>()

  constructor(
    readonly dir: string,
    /** How a finished file replaces the old one; tests pass a rename that fails. */
    private readonly replace: { rename: (from: string, to: string) => Promise<void>; retry: HeldOpenRetry } = { rename, retry: heldOpenRetry() },
  ) {}

  private fileOf(runId: string): string {
    if (!RUN_ID.test(runId)) throw new LabError('invalid-params', `"${runId}" is not a run id.`)
    return join(this.dir, `${runId}.json`)
  }

  /** Runs `work` after every operation asked for earlier on the same run id has finished. */
  private inTurn<T>(runId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(runId) ?? Promise.resolve()
    const next = previous.then(work, work)
    const settled = next.catch(() => {})
    this.queues.set(runId, settled)
    void settled.then(() => {
      if (this.queues.get(runId) === settled) this.queues.delete(runId)
    })
    return next
  }

  save(result: RunResult, what = 'this result'): Promise<void> {
    const target = this.fileOf(result.runId)
    return this.inTurn(result.runId, () => this.write(result, target, what, 'replace'))
  }

  /**
   * 'replace' renames the finished file over the target; 'claim' links it there, which fails if the
   * target exists (an atomic claim of the run id, even against another process writing the same folder).
   */
  private async write(result: RunResult, target: string, what: string, mode: 'replace' | 'claim'): Promise<void> {
    const temporary = `${target}.${randomUUID()}.tmp`
    try {
      await mkdir(this.dir, { recursive: true })
      const handle = await open(temporary, 'w')
      try {
        await handle.writeFile(JSON.stringify(result, null, 1))
        await handle.sync()
      } finally {
        await handle.close()
      }
      if (mode === 'replace') await retryWhileHeldOpen(target, () => this.replace.rename(temporary, target), this.replace.retry)
      else {
        await link(temporary, target).catch((error: unknown) => {
          throw codeOf(error) === 'EEXIST' ? new RunIdTaken() : error
        })
        await rm(temporary, { force: true })
      }
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => {})
      if (error instanceof RunIdTaken) throw error
      throw writeFailure(this.dir, error, what)
    }
    await this.syncDir()
  }

  /** Makes the rename itself durable (POSIX); where a folder cannot be opened this way it is skipped. */
  private async syncDir(): Promise<void> {
    if (process.platform === 'win32') return
    const handle = await open(this.dir, 'r').catch(() => undefined)
    await handle?.sync().catch(() => {})
    await handle?.close()
  }

  /** A saved result, with the figures and sentences an older lab did not keep computed from it. */
  async load(runId: string): Promise<RunResult> {
    let text: string
    try {
      text = await readFile(this.fileOf(runId), 'utf8')
    } catch (error) {
      if (error instanceof LabError) throw error
      throw new LabError('unknown-run', `No saved result has the id ${runId}.`)
    }
    return completeSavedResult(this.parse(text, `${runId}.json`, 'It cannot be opened.'))
  }

  private parse(text: string, file: string, consequence: string): RunResult {
    try {
      const result = parseRunResult(text, file)
      if (`${result.runId}.json` !== file) throw new LabError('store-failed', `${file} holds the result ${result.runId}; a result file is named after its run id.`)
      return result
    } catch (error) {
      throw new LabError('store-failed', `${(error as Error).message} ${consequence}`)
    }
  }

  async list(experimentId?: string): Promise<{ results: ResultListing[]; problems: StoreProblem[] }> {
    let files: string[]
    try {
      files = await readdir(this.dir)
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return { results: [], problems: [] } // nothing saved yet
      return { results: [], problems: [{ file: this.dir, message: `The results folder ${this.dir} cannot be read (${codeOf(error) ?? (error as Error).message}); no saved results can be shown.` }] }
    }
    const results: ResultListing[] = []
    const problems: StoreProblem[] = []
    // `<id>.json.<uuid>.tmp` files are writes that never finished: never results, so never listed
    for (const file of files.filter((f) => RESULT_FILE.test(f))) {
      try {
        const result = this.parse(await readFile(join(this.dir, file), 'utf8'), file, 'It was skipped.')
        if (!experimentId || result.experimentId === experimentId) results.push(toListing(result))
      } catch (error) {
        problems.push({ file, message: (error as Error).message })
      }
    }
    // ISO times: text order is time order
    results.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0))
    return { results, problems }
  }

  rename(runId: string, name: string): Promise<ResultListing> {
    const file = this.fileOf(runId)
    return this.inTurn(runId, async () => {
      const result = await this.load(runId)
      result.name = name
      await this.write(result, file, 'the new name', 'replace')
      return toListing(result)
    })
  }

  delete(runId: string): Promise<boolean> {
    const file = this.fileOf(runId)
    return this.inTurn(runId, async () => {
      try {
        await rm(file)
        return true
      } catch (error) {
        if (codeOf(error) === 'ENOENT') return false
        throw new LabError('store-failed', `${runId}.json could not be deleted from ${this.dir} (${codeOf(error) ?? (error as Error).message}); check the folder's permissions.`)
      }
    })
  }

  /**
   * Adds a result file from elsewhere (another machine, an older export): checked like a saved
   * file, and stored under a new run id when its id is already taken here.
   */
  async importResult(json: string): Promise<ResultListing> {
    const result = parseRunResult(json, 'The imported file')
    const claim = (candidate: RunResult): Promise<ResultListing> =>
      this.inTurn(candidate.runId, async () => {
        await this.write(candidate, this.fileOf(candidate.runId), 'the imported result', 'claim')
        return toListing(candidate)
      })
    try {
      return await claim(result)
    } catch (error) {
      if (!(error instanceof RunIdTaken)) throw error
      // the id is someone else's here: the import keeps its content under an id of its own
      return claim({ ...result, runId: randomUUID() })
    }
  }
}

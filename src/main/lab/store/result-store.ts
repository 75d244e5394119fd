import { randomUUID } from 'node:crypto'
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { LabError } from '../../../shared/errors'
import { RESULT_SCHEMA_VERSION, type ResultListing, type RunResult, type StoreProblem } from '../../../shared/model/result'

const RESULT_FILE = /^([A-Za-z0-9-]{1,64})\.json$/

export function toListing(result: RunResult): ResultListing {
  return { runId: result.runId, experimentId: result.experimentId, name: result.name, startedAt: result.startedAt, durationMs: result.durationMs, headline: result.headline }
}

/** Finished runs as one JSON file each, written so that a crash mid-write never damages a result. */
export class ResultStore {
  constructor(readonly dir: string) {}

  private fileOf(runId: string): string {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(runId)) throw new LabError('invalid-params', `"${runId}" is not a run id.`)
    return join(this.dir, `${runId}.json`)
  }

  async save(result: RunResult): Promise<void> {
    const target = this.fileOf(result.runId)
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
      await rename(temporary, target)
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => {})
      throw new LabError('store-failed', `The result could not be saved in ${this.dir}: ${(error as Error).message}. Free some space or choose a writable folder; the result is still shown.`)
    }
  }

  async load(runId: string): Promise<RunResult> {
    let text: string
    try {
      text = await readFile(this.fileOf(runId), 'utf8')
    } catch {
      throw new LabError('unknown-run', `No saved result has the id ${runId}.`)
    }
    return this.parse(text, `${runId}.json`)
  }

  private parse(text: string, file: string): RunResult {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      throw new LabError('store-failed', `${file} is not valid JSON (damaged?); it was skipped.`)
    }
    const candidate = value as Partial<RunResult>
    if (typeof candidate !== 'object' || candidate === null || typeof candidate.runId !== 'string' || typeof candidate.experimentId !== 'string') {
      throw new LabError('store-failed', `${file} is not a Concurrency Lab result; it was skipped.`)
    }
    if (candidate.schemaVersion !== RESULT_SCHEMA_VERSION) {
      throw new LabError('store-failed', `${file} has result schema version ${String(candidate.schemaVersion)}; this version of the lab reads version ${RESULT_SCHEMA_VERSION}. It was skipped.`)
    }
    return candidate as RunResult
  }

  async list(experimentId?: string): Promise<{ results: ResultListing[]; problems: StoreProblem[] }> {
    let files: string[]
    try {
      files = await readdir(this.dir)
    } catch {
      return { results: [], problems: [] }
    }
    const results: ResultListing[] = []
    const problems: StoreProblem[] = []
    for (const file of files.filter((f) => RESULT_FILE.test(f))) {
      try {
        const result = this.parse(await readFile(join(this.dir, file), 'utf8'), file)
        if (!experimentId || result.experimentId === experimentId) results.push(toListing(result))
      } catch (error) {
        problems.push({ file, message: (error as Error).message })
      }
    }
    results.sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    return { results, problems }
  }

  async rename(runId: string, name: string): Promise<ResultListing> {
    const result = await this.load(runId)
    result.name = name
    await this.save(result)
    return toListing(result)
  }

  async delete(runId: string): Promise<boolean> {
    const file = this.fileOf(runId)
    try {
      await rm(file)
      return true
    } catch {
      return false
    }
  }
}

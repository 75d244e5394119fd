import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { PipelineData } from '../../src/shared/experiments/pipeline'
import { dispatch } from '../../src/main/lab/dispatch'
import { findProgram } from '../../src/main/lab/processes/find-program'
import { BACKGROUND_NICENESS } from '../../src/main/lab/workers/priority'
import { descendantsOf, labChildren, processAlive } from './helpers/processes'
import { cancelAfter, runFailure, runResult, useLabs } from './helpers/run-experiment'

const newLab = useLabs()
const pipeline = (params: Record<string, unknown>) => runResult<PipelineData>(newLab(), 'pipeline', params)
const md5 = (bytes: string | Buffer): string => createHash('md5').update(bytes).digest('hex')

afterAll(() => {
  expect(descendantsOf()).toEqual([])
})

/** Runs with PATH limited to a folder holding only the named programs (symlinks to the real ones). */
async function withOnlyPrograms<T>(names: string[], body: () => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-path-'))
  for (const name of names) symlinkSync((await findProgram(name))!, join(dir, name))
  const savedPath = process.env.PATH
  process.env.PATH = dir
  try {
    return await body()
  } finally {
    process.env.PATH = savedPath
  }
}

/**
 * `count` pipelines of `bytes` each, fixed mode, asked of the lab's spawner helper directly (one
 * trial, all at once), and the stages' pids once `stages` of them have started (or 10 s passed).
 */
async function pipelinesInHelper(lab: ReturnType<typeof newLab>, count: number, bytes: number, stages: number): Promise<{ work: Promise<unknown>; stages: number[] }> {
  await lab.spawners.ready()
  const jobs = Array.from({ length: count }, (_, index) => ({ index, plaintext: Buffer.alloc(bytes, index), salt: '0011223344556677' }))
  const openssl = (await findProgram('openssl'))!
  const work = lab.spawners.runPipelineWork({ kind: 'trial', order: 'parallel', jobs, mode: 'fixed', tools: { openssl, hash: { file: (await findProgram('md5sum'))!, args: [] }, hashSource: 'system', algorithm: 'md5' }, settings: { cipher: 'aes-256-cbc', pbkdf2: true, password: 'x' } })
  let started: number[] = []
  for (let waited = 0; started.length < stages && waited < 10_000; waited += 10) {
    await new Promise((done) => setTimeout(done, 10))
    started = lab.spawners.childPids()
  }
  return { work, stages: started }
}

describe('pipelines: openssl enc → md5sum', () => {
  it('fixed: every hash equals the app\'s own hash of the encrypted bytes', async () => {
    const result = await pipeline({ pipelines: 4, bytes: 5000, runs: 2, warmup: 0 })
    const { data } = result
    expect(data.counts).toEqual({ total: 16, verified: 16, emptyInput: 0, mismatch: 0, failed: 0 })
    for (const row of data.rows) {
      expect(row.hashed).toMatch(/^[0-9a-f]{32}$/)
      expect(row.hashed).toBe(row.expected)
      expect(row.parentReadBytes).toBe(0) // the parent let go of the pipe
    }
    // different inputs (random bytes, random salts) give different hashes
    expect(new Set(data.rows.map((r) => r.expected)).size).toBe(4)
    // des3 pads 5000 bytes to a multiple of 8
    expect(data.encryptedBytesPerPipeline).toBe(5008)
    expect(data.emptyInputHash).toBe(md5(''))
    expect(result.series.map((s) => s.id)).toEqual(['serial', 'parallel'])
    // a spawner helper started every stage: the app itself forked none (a spawn from a big process holds its thread)
    expect(data.spawnParallel.sentence).toMatch(/spawner helper process(es)? started the 8 children, so the app's own thread never waited on a fork/)
    expect(result.comparisons[0]).toMatchObject({ parallelism: 4, ideal: 4 })
    expect(result.timelines[0]!.spans).toHaveLength(8)
    expect(data.spawnParallel.children).toBe(8)
    expect(data.verificationSentence).toMatch(/All 16 hashes were verified/)
    expect(data.hashName).toBe('md5sum')
    // why parallel fell short of 4×, said only where it did, from this run's speedup and machine
    const speedup = result.comparisons[0]!.summary.median
    if (speedup < 2) expect(data.speedupSentence).toMatch(new RegExp(`^Why parallel (was no faster than serial|is only [\\d.]+× faster than serial).*(app starting two children per pipeline|8 children share the ${result.machine.logicalCores} logical cores)`))
    else expect(data.speedupSentence).toBe('')
  })

  it('keeps the password off the command line and shows openssl 3\'s warning as a warning, not a failure', async () => {
    const { data } = await pipeline({ pipelines: 2, runs: 1, warmup: 0 })
    expect(data.encryptArgv).toContain(`env:${data.passwordVariable}`)
    expect(data.encryptArgv.join(' ')).not.toMatch(/pass:/)
    expect(data.counts.failed).toBe(0)
    expect(data.encryptStderr.pipelinesWithStderr).toBeGreaterThan(0)
    expect(data.encryptStderr.sample).toMatch(/deprecated key derivation/)
    expect(data.encryptStderr.sentence).toMatch(/a warning, not a failure/)
    const modern = await pipeline({ pipelines: 2, runs: 1, warmup: 0, pbkdf2: true })
    expect(modern.data.encryptStderr.pipelinesWithStderr).toBe(0)
    expect(modern.data.counts.verified).toBe(4)
  })

  it('tee: the parent relays the bytes, and its own hash of them equals the hash stage\'s', async () => {
    const { data } = await pipeline({ pipelines: 3, bytes: 100_000, runs: 2, warmup: 0, mode: 'tee' })
    expect(data.counts.verified).toBe(12)
    for (const row of data.rows) {
      expect(row.teeHash).toBe(row.hashed)
      expect(row.teeHash).toBe(row.expected)
      expect(row.parentReadBytes).toBe(100_008)
    }
  })

  it('book: the parent races the hash stage for the pipe; verification catches the empty-input hashes', async () => {
    const { data, warnings, headline } = await pipeline({ pipelines: 8, runs: 4, warmup: 0, mode: 'book' })
    const empty = md5('')
    expect(data.counts.total).toBe(64)
    // the race is real and timing-dependent: some but not all pipelines lose their bytes
    expect(data.counts.emptyInput).toBeGreaterThan(0)
    expect(data.counts.verified + data.counts.emptyInput + data.counts.mismatch).toBe(64)
    for (const row of data.rows) {
      if (row.status === 'empty-input') {
        expect(row.hashed).toBe(empty)
        expect(row.hashed).not.toBe(row.expected)
        expect(row.parentReadBytes).toBeGreaterThan(0) // the parent took them
      }
      if (row.status === 'verified') expect(row.hashed).toBe(row.expected)
    }
    expect(warnings.find((w) => w.code === 'race-lost-bytes')?.message).toMatch(/lets go of its copy/)
    expect(data.fixSentence).toMatch(/proc\.stdout\.close\(\)/)
    expect(data.verificationSentence).toMatch(/hash of empty input/)
    expect(headline).toMatch(/of empty input/)
  })

  it('sha256 with the built-in hash program verifies as well', async () => {
    const { data } = await pipeline({ pipelines: 2, runs: 1, warmup: 0, hash: 'sha256', hashProgram: 'builtin', cipher: 'aes-256-cbc' })
    expect(data.hashProgramSource).toBe('builtin')
    expect(data.hashName).toBe('built-in sha256')
    expect(data.counts.verified).toBe(4)
    expect(data.rows[0]!.hashed).toMatch(/^[0-9a-f]{64}$/)
  })

  it('falls back to the built-in hash where md5sum is missing, or says what to install', async () => {
    await withOnlyPrograms(['openssl'], async () => {
      const auto = await pipeline({ pipelines: 1, runs: 1, warmup: 0 })
      expect(auto.data.hashProgramSource).toBe('builtin')
      expect(auto.data.counts.verified).toBe(2)
      const failure = await runFailure(newLab(), 'pipeline', { pipelines: 1, runs: 1, warmup: 0, hashProgram: 'system' })
      expect(failure.error.code).toBe('program-not-found')
      expect(failure.error.message).toMatch(/No MD5 program was found on PATH \(looked for md5sum or md5\)\. Install coreutils/)
    })
  })

  it('says what to install when openssl is missing', async () => {
    await withOnlyPrograms(['md5sum'], async () => {
      const failure = await runFailure(newLab(), 'pipeline', { pipelines: 1, runs: 1, warmup: 0 })
      expect(failure.error.code).toBe('program-not-found')
      expect(failure.error.message).toMatch(/"openssl" was not found on PATH.*Install OpenSSL: apt install openssl/)
    })
  })

  it('refuses too many pipelines, or too much input in memory, with a sentence', async () => {
    const lab = newLab()
    const tooMany = await dispatch(lab.handlers, 'startRun', { experimentId: 'pipeline', params: { pipelines: 201 } })
    expect(!tooMany.ok && tooMany.error.message).toMatch(/pipelines must be a whole number from 1 to 200; got 201/)
    const tooBig = await dispatch(lab.handlers, 'startRun', { experimentId: 'pipeline', params: { pipelines: 100, bytes: 8 * 1024 * 1024 } })
    expect(!tooBig.ok && tooBig.error.message).toMatch(/pipelines × bytes must stay within 256\.0 MiB.*100 × 8\.0 MiB is 800\.0 MiB/)
    const wrongMode = await dispatch(lab.handlers, 'startRun', { experimentId: 'pipeline', params: { mode: 'racy' } })
    expect(!wrongMode.ok && wrongMode.error.message).toMatch(/mode must be one of fixed, book, tee/)
  })

  it('a helper that dies mid-trial: the run fails with a sentence, and its stages are ended', async () => {
    const lab = newLab()
    const { work, stages } = await pipelinesInHelper(lab, 6, 8 * 1024 * 1024, 2)
    expect(stages.length).toBeGreaterThanOrEqual(2)
    for (const helper of lab.spawners.pids()) process.kill(helper, 'SIGKILL')
    await expect(work).rejects.toThrow(/The helper process running the pipelines ended unexpectedly \(SIGKILL\)/)
    await new Promise((done) => setTimeout(done, 200))
    expect(stages.filter(processAlive)).toEqual([])
  })

  it.runIf(process.platform === 'linux')("runs its stages below the app's priority, as the lab's other compute children", async () => {
    const { work, stages } = await pipelinesInHelper(newLab(), 2, 16 * 1024 * 1024, 4)
    // /proc/<pid>/stat: the niceness is the 19th field, the 17th after the command's closing parenthesis
    const niceness = stages.map((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])
      } catch {
        return undefined // ended already
      }
    })
    await work
    expect(niceness.filter((n) => n !== undefined).length).toBeGreaterThanOrEqual(2)
    expect(niceness.filter((n) => n !== undefined && n !== BACKGROUND_NICENESS)).toEqual([])
  })

  it('cancel ends every stage of every pipeline', async () => {
    const lab = newLab()
    let seen: number[] = []
    // the stages run in one of the lab's spawner helpers, which live as long as the lab
    const failure = await cancelAfter(lab, 'pipeline', { pipelines: 12, bytes: 4 * 1024 * 1024, runs: 5, warmup: 0 }, 300, () => (seen = labChildren(lab)), () => labChildren(lab).length > 0)
    expect(seen.length).toBeGreaterThan(0)
    expect(failure.cancelled).toBe(true)
    expect(labChildren(lab)).toEqual([])
  })
})

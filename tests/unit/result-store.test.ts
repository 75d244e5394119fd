import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../src/main/lab/dispatch'
import { createLab } from '../../src/main/lab/lab'
import { ResultStore } from '../../src/main/lab/store/result-store'
import { fixtureCandidate, fixtureResult } from './fixtures/run-result'
import { testPaths } from './helpers/lab'

const dirs: string[] = []
const newDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'concurrency-lab-store-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('result store', () => {
  it('saves and lists; a kill mid-write (a stray .tmp, a cut-short file) leaves earlier results whole', async () => {
    const dir = newDir()
    const store = new ResultStore(dir)
    await store.save(fixtureResult())
    const saved = readFileSync(join(dir, 'fixture-run-0001.json'), 'utf8')
    // what a kill during the next write of the same run leaves: its temporary file, cut short
    writeFileSync(join(dir, 'fixture-run-0001.json.0b5c2f0e-aaaa-bbbb-cccc-000000000000.tmp'), saved.slice(0, 200))
    // and a result whose file was cut short by an older, non-atomic writer
    writeFileSync(join(dir, 'cut-short.json'), saved.slice(0, saved.length / 2))
    const { results, problems } = await store.list()
    expect(results.map((r) => r.runId)).toEqual(['fixture-run-0001'])
    expect(problems).toEqual([{ file: 'cut-short.json', message: 'cut-short.json is not valid JSON (damaged, or cut short while it was written?). It was skipped.' }])
    expect(readFileSync(join(dir, 'fixture-run-0001.json'), 'utf8')).toBe(saved)
    expect(await store.load('fixture-run-0001')).toEqual(fixtureResult())
  })

  it('leaves no temporary file behind after a save', async () => {
    const dir = newDir()
    const store = new ResultStore(dir)
    await store.save(fixtureResult())
    await store.rename('fixture-run-0001', 'Renamed')
    expect(readdirSync(dir)).toEqual(['fixture-run-0001.json'])
    expect((await store.load('fixture-run-0001')).name).toBe('Renamed')
  })

  it('reports and skips a file from a newer lab, a file that is not a result, and a damaged result', async () => {
    const dir = newDir()
    const store = new ResultStore(dir)
    await store.save(fixtureResult())
    writeFileSync(join(dir, 'future.json'), JSON.stringify({ ...fixtureResult(), runId: 'future', schemaVersion: 2 }))
    writeFileSync(join(dir, 'notes.json'), JSON.stringify({ hello: 'world' }))
    const damaged = { ...fixtureResult(), runId: 'damaged', series: [{ id: 'serial', label: 'Serial', samples: 'lost' }] }
    writeFileSync(join(dir, 'damaged.json'), JSON.stringify(damaged))
    const { results, problems } = await store.list()
    expect(results).toHaveLength(1)
    const byFile = Object.fromEntries(problems.map((p) => [p.file, p.message]))
    expect(byFile['future.json']).toBe('future.json was written by a newer Concurrency Lab (result schema 2; this one reads 1). Update the lab to open it. It was skipped.')
    expect(byFile['notes.json']).toBe('notes.json is not a Concurrency Lab result (it has no schemaVersion and runId). It was skipped.')
    expect(byFile['damaged.json']).toMatch(/^Invalid result in damaged\.json: series\.0\.samples: .*It was skipped\.$/)
    await expect(store.load('future')).rejects.toThrow(/newer Concurrency Lab .* It cannot be opened\.$/)
  })

  it('filters by experiment', async () => {
    const store = new ResultStore(newDir())
    await store.save(fixtureResult())
    await store.save({ ...fixtureCandidate(), experimentId: 'pipeline' })
    expect((await store.list('pipeline')).results.map((r) => r.runId)).toEqual(['fixture-run-0002'])
  })

  it('in a read-only folder: a clear sentence, and nothing already saved is lost', async (context) => {
    const dir = newDir()
    const store = new ResultStore(dir)
    await store.save(fixtureResult())
    const release = makeReadOnly(dir)
    if (!release) return context.skip('this process can write to read-only folders and chattr is not available')
    try {
      const attempt = store.save(fixtureCandidate())
      await expect(attempt).rejects.toMatchObject({ code: 'store-failed' })
      await expect(attempt).rejects.toThrow(new RegExp(`^The results folder ${dir} is not writable \\((EACCES|EPERM)\\), so this result was not saved\\. Choose a writable data folder \\(on the command line: --data-dir DIR\\)\\. Earlier results are untouched\\.$`))
      await expect(store.rename('fixture-run-0001', 'New name')).rejects.toThrow(/so the new name was not saved/)
      expect((await store.list()).results.map((r) => r.runId)).toEqual(['fixture-run-0001'])
      expect((await store.load('fixture-run-0001')).name).toBe(fixtureResult().name)
    } finally {
      release()
    }
    expect(readdirSync(dir)).toEqual(['fixture-run-0001.json'])
  })
})

/**
 * Makes a folder unwritable for this process: permissions for a normal user; for root (who
 * ignores permissions) the immutable attribute. Returns how to undo it, or undefined if neither works.
 */
function makeReadOnly(dir: string): (() => void) | undefined {
  chmodSync(dir, 0o555)
  if (!writable(dir)) return () => chmodSync(dir, 0o755)
  chmodSync(dir, 0o755)
  try {
    execFileSync('chattr', ['+i', dir], { stdio: 'ignore' })
  } catch {
    return undefined
  }
  if (!writable(dir)) return () => execFileSync('chattr', ['-i', dir], { stdio: 'ignore' })
  execFileSync('chattr', ['-i', dir], { stdio: 'ignore' })
  return undefined
}

function writable(dir: string): boolean {
  const probe = join(dir, '.probe')
  try {
    writeFileSync(probe, '')
    rmSync(probe)
    return true
  } catch {
    return false
  }
}

describe('importing a result from another machine', () => {
  const lab = (): ReturnType<typeof createLab> => createLab({ host: 'cli', dataDir: newDir(), paths: testPaths })

  it('stores a valid result file, under a new run id when its id is taken', async () => {
    const l = lab()
    const json = JSON.stringify(fixtureResult())
    const first = await dispatch(l.handlers, 'importResult', { json })
    expect(first).toMatchObject({ ok: true, value: { runId: 'fixture-run-0001', experimentId: 'fanout' } })
    const second = await dispatch(l.handlers, 'importResult', { json })
    expect(second.ok).toBe(true)
    const secondId = (second as { value: { runId: string } }).value.runId
    expect(secondId).not.toBe('fixture-run-0001')
    expect(secondId).toMatch(/^[0-9a-f-]{36}$/)
    const listed = await dispatch(l.handlers, 'listResults', {})
    expect((listed as { value: { results: unknown[] } }).value.results).toHaveLength(2)
    const reopened = await dispatch(l.handlers, 'getResult', { runId: secondId })
    expect(reopened).toMatchObject({ ok: true, value: { runId: secondId, machine: { cpuModel: 'AMD EPYC 7B13' }, series: fixtureResult().series } })
    expect(existsSync(join(l.store.dir, `${secondId}.json`))).toBe(true)
  })

  it('refuses what is not a result, with a sentence, and saves nothing', async () => {
    const l = lab()
    const notJson = await dispatch(l.handlers, 'importResult', { json: '{"schemaVersion": 1, "runId": "x"' })
    expect(notJson).toMatchObject({ ok: false, error: { code: 'invalid-params', message: 'The imported file is not valid JSON (damaged, or cut short while it was written?).' } })
    const future = await dispatch(l.handlers, 'importResult', { json: JSON.stringify({ ...fixtureResult(), schemaVersion: 7 }) })
    expect(!future.ok && future.error.message).toMatch(/newer Concurrency Lab \(result schema 7/)
    const badId = await dispatch(l.handlers, 'importResult', { json: JSON.stringify({ ...fixtureResult(), runId: '../../etc/passwd' }) })
    expect(!badId.ok && badId.error.message).toMatch(/runId must be 1 to 64 letters, digits or dashes/)
    const missingArgs = await dispatch(l.handlers, 'importResult', {})
    expect(missingArgs.ok).toBe(false)
    mkdirSync(l.store.dir, { recursive: true })
    expect(readdirSync(l.store.dir)).toEqual([])
  })
})

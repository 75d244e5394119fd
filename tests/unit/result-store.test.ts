import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { dispatch } from '../../src/main/lab/dispatch'
import { createLab } from '../../src/main/lab/lab'
import { ResultStore } from '../../src/main/lab/store/result-store'
import { asPipelineRun, fixtureCandidate, fixtureResult } from './fixtures/run-result'
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
    await store.save(asPipelineRun(fixtureCandidate()))
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

describe('the store under concurrent requests', () => {
  it('ten imports of one run id at once: each gets its own id or the original, none is lost', async () => {
    const dir = newDir()
    const store = new ResultStore(dir)
    const json = JSON.stringify(fixtureResult())
    const acknowledged = await Promise.all(Array.from({ length: 10 }, () => store.importResult(json)))
    const ids = acknowledged.map((listing) => listing.runId)
    expect(new Set(ids).size).toBe(10)
    expect(ids).toContain('fixture-run-0001')
    for (const id of ids) expect(existsSync(join(dir, `${id}.json`)), id).toBe(true)
    expect(readdirSync(dir).filter((file) => file.endsWith('.tmp'))).toEqual([])
  })

  it('a rename racing a delete never brings the deleted result back', async () => {
    const dir = newDir()
    const store = new ResultStore(dir)
    for (let round = 0; round < 15; round++) {
      await store.save(fixtureResult())
      const [renamed, deleted] = await Promise.allSettled([store.rename('fixture-run-0001', `round ${round}`), store.delete('fixture-run-0001')])
      expect(renamed.status).toBe('fulfilled') // asked first, so done first
      expect(deleted).toEqual({ status: 'fulfilled', value: true })
      expect(existsSync(join(dir, 'fixture-run-0001.json')), `round ${round}`).toBe(false)
      // and the other way round: a rename after a delete finds nothing to rename
      await store.save(fixtureResult())
      const [deletedFirst, renamedAfter] = await Promise.allSettled([store.delete('fixture-run-0001'), store.rename('fixture-run-0001', 'too late')])
      expect(deletedFirst).toEqual({ status: 'fulfilled', value: true })
      expect(renamedAfter.status).toBe('rejected')
      expect(existsSync(join(dir, 'fixture-run-0001.json'))).toBe(false)
    }
  })

  it('100 imports, renames and deletes on three run ids end consistent: every acknowledged write there, every acknowledged delete gone, nothing half-written', async () => {
    const dir = newDir()
    const store = new ResultStore(dir)
    const ids = ['run-a', 'run-b', 'run-c']
    for (const runId of ids) await store.save(fixtureResult({ runId }))
    /** What each run id must be at the end: the last acknowledged operation on it, in the order they were asked. */
    const expected = new Map<string, { exists: boolean; name?: string }>(ids.map((runId) => [runId, { exists: true, name: fixtureResult().name }]))
    const imported = new Set<string>()
    const operations = Array.from({ length: 100 }, (_, i) => {
      const runId = ids[i % ids.length]!
      const kind = i % 5 === 0 ? 'delete' : i % 5 === 1 ? 'import' : 'rename'
      if (kind === 'delete') return store.delete(runId).then(() => ({ kind, runId, i }))
      if (kind === 'import') return store.importResult(JSON.stringify(fixtureResult({ runId, name: `import ${i}` }))).then((listing) => ({ kind, runId: listing.runId, i, asked: runId }))
      return store.rename(runId, `rename ${i}`).then(
        () => ({ kind, runId, i }),
        () => ({ kind: 'rename-refused', runId, i }),
      )
    })
    const done = await Promise.all(operations)
    // replay the acknowledged operations in the order asked: that is the order the store ran them in, per run id
    for (const op of done) {
      if (op.kind === 'delete') expected.set(op.runId, { exists: false })
      else if (op.kind === 'rename') {
        expect(expected.get(op.runId)!.exists, `rename ${op.i} succeeded, so the result existed`).toBe(true)
        expected.set(op.runId, { exists: true, name: `rename ${op.i}` })
      } else if (op.kind === 'import') {
        if (op.runId === (op as { asked?: string }).asked) expected.set(op.runId, { exists: true, name: `import ${op.i}` })
        else imported.add(op.runId)
      } else expect(expected.get(op.runId)!.exists, `rename ${op.i} was refused, so the result was gone`).toBe(false)
    }
    for (const [runId, state] of expected) {
      const file = join(dir, `${runId}.json`)
      expect(existsSync(file), runId).toBe(state.exists)
      if (state.exists) expect(JSON.parse(readFileSync(file, 'utf8')).name).toBe(state.name)
    }
    for (const runId of imported) expect(JSON.parse(readFileSync(join(dir, `${runId}.json`), 'utf8')).runId).toBe(runId)
    expect(readdirSync(dir).filter((file) => file.endsWith('.tmp'))).toEqual([])
    expect((await store.list()).problems).toEqual([])
  })
})

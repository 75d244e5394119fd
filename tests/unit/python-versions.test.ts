import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { listInterpreters } from '../../src/main/lab/machine'
import { interpreterLabel } from '../../src/shared/model/interpreter-label'

/**
 * The lab's Python scripts on every interpreter this machine has (3.8 is the oldest the lab
 * accepts): each compiles on each, and the oldest and the newest run every script's commands.
 */
const run = promisify(execFile)
const RACE_VARIANTS = 'unlocked,unlocked-call,locked'
const SCRIPTS_DIR = resolve('resources', 'python')
const scripts = readdirSync(SCRIPTS_DIR).filter((name) => name.endsWith('.py')).map((name) => join(SCRIPTS_DIR, name))

const { interpreters } = await listInterpreters({ added: [], removed: [] })
const usable = interpreters.filter((i) => i.found && i.executable)
const byVersion = [...usable].sort((a, b) => a.version!.localeCompare(b.version!, 'en', { numeric: true }))
const ends = [...new Set([byVersion[0], byVersion.at(-1)])].filter((i) => i !== undefined)

describe.skipIf(usable.length === 0)('the Python scripts on every interpreter found here', () => {
  it.each(usable.map((i) => [interpreterLabel(i), i.executable!] as const))('%s compiles every script (%s)', async (_label, executable) => {
    const check = `import sys\nfor path in sys.argv[1:]:\n    compile(open(path, encoding="utf-8").read(), path, "exec")\nprint("ok")`
    const { stdout } = await run(executable, ['-c', check, ...scripts])
    expect(stdout.trim()).toBe('ok')
  })

  it.each(ends.map((i) => [interpreterLabel(i), i.executable!] as const))('%s runs threads.py, race.py and workload.py end to end (%s)', async (_label, executable) => {
    const threads = join(SCRIPTS_DIR, 'threads.py')
    const factorize = JSON.parse((await run(executable, [threads, 'factorize', '--numbers', '1009,2003', '--scale', '1', '--workers', '1,2', '--runs', '1', '--warmup', '0'], { timeout: 60_000 })).stdout) as { variants: unknown[] }
    expect(factorize.variants.length).toBeGreaterThan(0)
    const blocking = JSON.parse((await run(executable, [threads, 'blocking', '--calls', '2', '--ms', '1', '--runs', '1', '--warmup', '0'], { timeout: 60_000 })).stdout) as { variants: unknown[] }
    expect(blocking.variants.length).toBeGreaterThan(0)
    const race = JSON.parse((await run(executable, [join(SCRIPTS_DIR, 'race.py'), '--workers', '2', '--increments', '200', '--trials', '1', '--variants', RACE_VARIANTS, '--trace', '2000'], { timeout: 60_000 })).stdout) as { trials: { variant?: string }[] }
    expect(race.trials.length).toBe(RACE_VARIANTS.split(',').length)
    const bytecode = (await run(executable, [join(SCRIPTS_DIR, 'race.py'), '--bytecode-only'], { timeout: 60_000 })).stdout
    expect(bytecode).toMatch(/LOAD|STORE/)
    const dir = mkdtempSync(join(tmpdir(), 'concurrency-lab-workload-py-'))
    try {
      writeFileSync(join(dir, 'user_workload.py'), 'def inputs():\n    return [1, 2, 3]\n\n\ndef work(x):\n    return {"x": x, "square": x * x}\n')
      const lines = (await run(executable, [join(SCRIPTS_DIR, 'workload.py'), '--module', join(dir, 'user_workload.py'), '--workers', '1,2', '--runs', '1', '--warmup', '0'], { timeout: 60_000 })).stdout.trim().split('\n')
      const workload = JSON.parse(lines.at(-1)!) as { error?: string; variants: { id: string }[]; mismatches: object }
      expect(workload.error).toBeUndefined()
      expect(workload.variants.map((v) => v.id)).toEqual(['serial', 'threads-1', 'threads-2', 'processes-1', 'processes-2'])
      expect(workload.mismatches).toEqual({})
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})



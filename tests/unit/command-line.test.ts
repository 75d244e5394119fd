import { describe, expect, it } from 'vitest'
import { paramsFromFlags } from '../../src/cli/commands/run'
import { parseArgs } from '../../src/cli/args'
import { LabError } from '../../src/shared/errors'
import { captureParamSpecs } from '../../src/shared/experiments/capture'
import { shellSyntaxIn, splitCommandLine } from '../../src/shared/experiments/command-line'
import { coerceParam, paramsSchema, textParam } from '../../src/shared/experiments/params'
import { parseOrThrow } from '../../src/shared/validation'
import { startupDominatedWarning } from '../../src/shared/stats/advice'
import { mapLimited, powersOfTwoUpTo, START_TURN_BUDGET_MS } from '../../src/main/lab/processes/limit'
import { resolveCommand } from '../../src/main/lab/processes/resolve-command'

describe('splitCommandLine (argv without a shell)', () => {
  it('splits at spaces and keeps quoted words together', () => {
    expect(splitCommandLine('echo "Hello from the child"')).toEqual(['echo', 'Hello from the child'])
    expect(splitCommandLine("  printf '%s\\n'   a  b ")).toEqual(['printf', '%s\\n', 'a', 'b'])
    expect(splitCommandLine('say "a \\"quoted\\" word" x"y"z \'\'')).toEqual(['say', 'a "quoted" word', 'xyz', ''])
    expect(splitCommandLine('C:\\tools\\run.exe /x')).toEqual(['C:\\tools\\run.exe', '/x'])
  })

  it('reads nothing a shell would: pipes, variables and globs stay plain words', () => {
    expect(splitCommandLine('ls $HOME | wc -l > out.txt *.ts')).toEqual(['ls', '$HOME', '|', 'wc', '-l', '>', 'out.txt', '*.ts'])
    expect(shellSyntaxIn(['ls', '$HOME', '|', 'wc', '-l', '>', 'out.txt', '*.ts', 'plain'])).toEqual(['$HOME', '|', '>', '*.ts'])
    expect(shellSyntaxIn(['echo', 'Hello'])).toEqual([])
  })

  it('refuses an unclosed quote and an empty command with a sentence', () => {
    expect(() => splitCommandLine('echo "oops')).toThrow(/opening " without its closing "/)
    expect(() => splitCommandLine('   ')).toThrow(LabError)
    expect(() => splitCommandLine('   ')).toThrow(/The command is empty/)
  })
})

describe('the text parameter kind', () => {
  const schema = paramsSchema({ name: textParam({ label: 'Name', help: '', default: 'x', minLength: 1, maxLength: 5, pattern: '^[a-z]*$', patternHelp: 'must be lower-case letters' }) })

  it('takes its default, and bounded text that matches', () => {
    expect(schema.parse({})).toEqual({ name: 'x' })
    expect(schema.parse({ name: 'abc' })).toEqual({ name: 'abc' })
  })

  it('refuses text too long, empty, not matching, or not text, with a sentence', () => {
    expect(() => parseOrThrow(schema, { name: 'abcdef' }, 'parameters')).toThrow('name must be text of 1 to 5 characters; got "abcdef".')
    expect(() => parseOrThrow(schema, { name: '' }, 'parameters')).toThrow(/name must be text of 1 to 5 characters/)
    expect(() => parseOrThrow(schema, { name: 'AB' }, 'parameters')).toThrow('name must be lower-case letters; got "AB".')
    expect(() => parseOrThrow(schema, { name: 3 }, 'parameters')).toThrow(/name must be text; got 3/)
  })

  it('keeps a command to one line without control characters, at most 1000 characters', () => {
    const capture = paramsSchema(captureParamSpecs)
    expect(() => parseOrThrow(capture, { command: 'echo a\nrm -rf x' }, 'parameters')).toThrow(/command must be one line without control characters/)
    expect(() => parseOrThrow(capture, { command: 'x'.repeat(1001) }, 'parameters')).toThrow(/command must be text of 1 to 1000 characters/)
  })

  it('comes from the command line as it was typed', () => {
    expect(coerceParam(captureParamSpecs.command, ' echo  "a b" ')).toBe(' echo  "a b" ')
    const params = paramsFromFlags('capture', parseArgs(['run', 'capture', '--command', 'echo "a b"', '--shell', 'true'], new Set(['json'])))
    expect(params).toEqual({ command: 'echo "a b"', shell: true })
  })
})

describe('resolveCommand', () => {
  it('runs the program directly and says so; a shell only when asked', async () => {
    const direct = await resolveCommand('echo "Hello from the child"', false)
    expect(direct.shell).toBe(false)
    expect(direct.argv).toEqual(['echo', 'Hello from the child'])
    expect(direct.notes[0]).toMatch(/without a shell/)
    const viaShell = await resolveCommand('echo $HOME | wc -c', true)
    expect(viaShell.shell).toBe(true)
    expect(viaShell.argv.slice(-1)).toEqual(['echo $HOME | wc -c'])
    expect(viaShell.notes[0]).toMatch(/through a shell/)
  })

  it('substitutes a built-in echo where the system has none', async () => {
    const savedPath = process.env.PATH
    process.env.PATH = '/nonexistent'
    try {
      const resolved = await resolveCommand('echo hi there', false)
      expect(resolved.source).toBe('builtin')
      expect(resolved.file).toBe(process.execPath)
      expect(resolved.notes.join(' ')).toMatch(/built-in stand-in/)
    } finally {
      process.env.PATH = savedPath
    }
  })
})

describe('benchmark advice for child processes', () => {
  it('says nothing when the command takes long enough to time', () => {
    expect(startupDominatedWarning(100, 3)).toBeUndefined()
  })

  it('warns when the time is mostly the cost of starting the child', () => {
    expect(startupDominatedWarning(2.5)?.message).toMatch(/took only 2\.5 ms, so its time is mostly the cost of starting it\. /)
    expect(startupDominatedWarning(8, 5)?.message).toMatch(/starting a child alone takes about 5\.0 ms here/)
  })
})

describe('mapLimited', () => {
  it('never runs more than the limit at once, and keeps the order of results', async () => {
    let running = 0
    let most = 0
    const results = await mapLimited(10, 3, async (i) => {
      running++
      most = Math.max(most, running)
      await new Promise((resolve) => setTimeout(resolve, 5 + (i % 3) * 5))
      running--
      return i * 2
    })
    expect(most).toBe(3)
    expect(results).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18])
  })

  it('starts nothing more once cancelled', async () => {
    const controller = new AbortController()
    const results = await mapLimited(10, 2, async (i) => {
      if (i === 3) controller.abort()
      return i
    }, controller.signal)
    expect(results.length).toBeLessThan(10)
  })

  /** Runs mapLimited with tasks that hold the thread `holdMs` each as they start; per task, the turn of the event loop it started in. */
  async function turnsOfStarts(count: number, holdMs: number): Promise<number[]> {
    let turn = 0
    let ticking = true
    const tick = (): void => {
      turn++
      if (ticking) setImmediate(tick)
    }
    setImmediate(tick)
    const turns: number[] = []
    try {
      await mapLimited(count, count, async () => {
        turns.push(turn)
        const until = performance.now() + holdMs
        while (performance.now() < until) {
          // holds the thread, as a spawn call does
        }
        await new Promise((resolve) => setTimeout(resolve, 1))
      })
    } finally {
      ticking = false
    }
    return turns
  }
  const startsPerTurn = (turns: number[]): number[] => [...turns.reduce((m, t) => m.set(t, (m.get(t) ?? 0) + 1), new Map<number, number>()).values()]

  it('starts several cheap tasks in one turn of the event loop, and gives the turn up once starts have held the thread for the budget', async () => {
    const cheap = startsPerTurn(await turnsOfStarts(40, 0.2))
    expect(Math.max(...cheap)).toBeGreaterThan(1)
    expect(Math.max(...cheap)).toBeLessThanOrEqual(Math.ceil(START_TURN_BUDGET_MS / 0.2) + 1)
    // a start that holds the thread longer than the budget (a fork) gets a turn of its own
    expect(startsPerTurn(await turnsOfStarts(8, START_TURN_BUDGET_MS + 1))).toEqual(Array(8).fill(1))
  })

  it('sweeps powers of two up to and including n', () => {
    expect(powersOfTwoUpTo(10)).toEqual([1, 2, 4, 8, 10])
    expect(powersOfTwoUpTo(8)).toEqual([1, 2, 4, 8])
    expect(powersOfTwoUpTo(1)).toEqual([1])
  })
})

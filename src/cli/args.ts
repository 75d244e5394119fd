import { LabError } from '../shared/errors'

export interface ParsedArgs {
  positionals: string[]
  /** The last value of each flag. */
  flags: Map<string, string | true>
  /** Every value of each flag given more than once with a value, in order (`--python a --python b`). */
  repeated?: Map<string, string[]>
}

/** `--compare-launchers` names the parameter compareLaunchers: both spellings work. */
export const camelCaseFlag = (name: string): string => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())

/**
 * `--name value`, `--name=value` and bare `--switch`; everything else is positional. A name in
 * `booleans` is a switch that may be followed by true or false (`--sweep false`, or just `--sweep`).
 */
export function parseArgs(argv: readonly string[], switches: ReadonlySet<string>, booleans: ReadonlySet<string> = new Set()): ParsedArgs {
  const positionals: string[] = []
  const flags = new Map<string, string | true>()
  const repeated = new Map<string, string[]>()
  const setValue = (name: string, value: string): void => {
    flags.set(name, value)
    repeated.set(name, [...(repeated.get(name) ?? []), value])
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('--')) {
      positionals.push(arg)
      continue
    }
    const body = arg.slice(2)
    const eq = body.indexOf('=')
    if (eq >= 0) {
      setValue(body.slice(0, eq), body.slice(eq + 1))
    } else if (switches.has(body)) {
      flags.set(body, true)
    } else if (booleans.has(body) || booleans.has(camelCaseFlag(body))) {
      const value = argv[i + 1]
      if (value === 'true' || value === 'false') {
        flags.set(body, value)
        i++
      } else flags.set(body, true)
    } else {
      const value = argv[i + 1]
      if (value === undefined || value.startsWith('--')) throw new LabError('invalid-params', `--${body} needs a value, as in --${body} 5.`)
      setValue(body, value)
      i++
    }
  }
  return { positionals, flags, repeated }
}

/** Every value given for a flag that may repeat, in order; [] when absent. */
export function stringFlags(args: ParsedArgs, name: string): string[] {
  if (args.flags.get(name) === true) throw new LabError('invalid-params', `--${name} needs a value.`)
  return args.repeated?.get(name) ?? []
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name)
  if (value === true) throw new LabError('invalid-params', `--${name} needs a value.`)
  return value
}

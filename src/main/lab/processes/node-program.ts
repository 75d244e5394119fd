/**
 * Portable child programs: the running Node (or Electron acting as Node) with a tiny script,
 * for machines without `sleep` and friends. Electron needs ELECTRON_RUN_AS_NODE for this,
 * which is why the packaged app keeps the RunAsNode fuse on.
 */
import { electronVersions } from '../runtime'

export interface ProgramCommand {
  file: string
  args: string[]
  env?: Record<string, string>
}

export function nodeCommand(script: string, args: string[] = []): ProgramCommand {
  return {
    file: process.execPath,
    args: ['-e', script, '--', ...args],
    env: electronVersions() ? { ELECTRON_RUN_AS_NODE: '1' } : undefined,
  }
}

/** A script file (a built `<out>/main/workers/<name>.js`) run by the current Node or Electron-as-Node. */
export function nodeScriptCommand(scriptPath: string, args: string[] = []): ProgramCommand {
  return {
    file: process.execPath,
    args: [scriptPath, ...args],
    env: electronVersions() ? { ELECTRON_RUN_AS_NODE: '1' } : undefined,
  }
}

export const builtinSleep = (seconds: number): ProgramCommand =>
  nodeCommand('setTimeout(() => {}, Number(process.argv.at(-1)) * 1000)', [String(seconds)])

/** Sleeps, ignoring SIGTERM: shows a timeout escalating to SIGKILL. */
export const builtinStubbornSleep = (seconds: number): ProgramCommand =>
  nodeCommand("process.on('SIGTERM', () => {}); setTimeout(() => {}, Number(process.argv.at(-1)) * 1000)", [String(seconds)])

/** Prints its arguments joined by spaces and a newline, as echo does. */
export const builtinEcho = (args: readonly string[]): ProgramCommand =>
  nodeCommand("process.stdout.write(process.argv.slice(1).join(' ') + '\\n')", [...args])

/** Exits at once with this code: `true` (0) and `false` (1). */
const builtinExit = (code: number): ProgramCommand => nodeCommand('process.exitCode = Number(process.argv.at(-1))', [String(code)])

/** Hashes its stdin and prints "<hex>  -", as md5sum and sha256sum do. */
export const builtinHash = (algorithm: 'md5' | 'sha256'): ProgramCommand =>
  nodeCommand(
    "const hash = require('node:crypto').createHash(process.argv.at(-1)); process.stdin.on('data', (c) => hash.update(c)).on('end', () => process.stdout.write(hash.digest('hex') + '  -\\n'))",
    [algorithm],
  )

/**
 * The built-in stand-in for a program that is not on PATH, when the lab has one:
 * echo, sleep <seconds>, true and false.
 */
export function builtinFor(program: string, args: readonly string[]): ProgramCommand | undefined {
  const name = program.toLowerCase().replace(/\.exe$/, '')
  if (name === 'echo') return builtinEcho(args)
  if (name === 'true' && args.length === 0) return builtinExit(0)
  if (name === 'false' && args.length === 0) return builtinExit(1)
  if (name === 'sleep' && args.length === 1 && /^\d+(\.\d+)?$/.test(args[0]!)) return builtinSleep(Number(args[0]))
  return undefined
}

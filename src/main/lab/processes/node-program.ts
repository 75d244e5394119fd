/**
 * Portable child programs: the running Node (or Electron acting as Node) with a tiny script,
 * for machines without `sleep` and friends. Electron needs ELECTRON_RUN_AS_NODE for this,
 * which is why the packaged app keeps the RunAsNode fuse on.
 */
export interface ProgramCommand {
  file: string
  args: string[]
  env?: Record<string, string>
}

export function nodeCommand(script: string, args: string[] = []): ProgramCommand {
  return {
    file: process.execPath,
    args: ['-e', script, '--', ...args],
    env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : undefined,
  }
}

export const builtinSleep = (seconds: number): ProgramCommand =>
  nodeCommand('setTimeout(() => {}, Number(process.argv.at(-1)) * 1000)', [String(seconds)])

/** Sleeps, ignoring SIGTERM: shows a timeout escalating to SIGKILL. */
export const builtinStubbornSleep = (seconds: number): ProgramCommand =>
  nodeCommand("process.on('SIGTERM', () => {}); setTimeout(() => {}, Number(process.argv.at(-1)) * 1000)", [String(seconds)])

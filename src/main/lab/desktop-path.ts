import { posix } from 'node:path'
import { msToSeconds } from '../../shared/units'
import { runChild, type ChildOutcome, type ChildSpec } from './processes/run-child'

/**
 * An app started from the Finder or the Dock gets launchd's PATH (/usr/bin:/bin:/usr/sbin:/sbin),
 * not the one a Terminal builds from /etc/paths and the shell's start-up files, so Homebrew's
 * python3 and openssl are not found. The desktop app repairs PATH once, at start-up; the command
 * line inherits a terminal's PATH and needs nothing.
 */

/** Homebrew (Apple silicon, then Intel) and MacPorts, where a Terminal has them: ahead of the system folders. */
const MAC_TOOL_FOLDERS: readonly string[] = ['/opt/homebrew/bin', '/opt/homebrew/sbin', '/usr/local/bin', '/opt/local/bin', '/opt/local/sbin']
const MAC_SYSTEM_FOLDERS: readonly string[] = ['/usr/bin', '/bin', '/usr/sbin', '/sbin']

const LOGIN_SHELL_TIMEOUT_MS = 5_000
const MARK = '__CONCURRENCY_LAB_PATH__'

const entriesOf = (path: string | undefined): string[] => (path ?? '').split(':').filter(Boolean)

/**
 * PATH for the desktop app on this system: unchanged except on macOS. There the login shell's
 * PATH, when it was read, comes first in its own order; then the PATH the app was given; then the
 * tool folders still missing. Without the shell's answer the tool folders go before /usr/bin, as
 * in a Terminal, so python3 means Homebrew's and not Apple's stub. Nothing is listed twice.
 */
export function repairedPath(facts: { platform: NodeJS.Platform; env: NodeJS.ProcessEnv; homeDir: string; loginShellPath?: string }): string | undefined {
  if (facts.platform !== 'darwin') return facts.env.PATH
  const own = [...new Set([...entriesOf(facts.loginShellPath), ...entriesOf(facts.env.PATH)])]
  const missing = MAC_TOOL_FOLDERS.filter((folder) => !own.includes(folder))
  const firstSystem = own.findIndex((folder) => MAC_SYSTEM_FOLDERS.includes(folder))
  const at = facts.loginShellPath === undefined && firstSystem >= 0 ? firstSystem : own.length
  const merged = [...own.slice(0, at), ...missing, ...own.slice(at)]
  // where uv and pipx put the programs they install
  const userBin = posix.join(facts.homeDir, '.local', 'bin')
  if (!merged.includes(userBin)) merged.push(userBin)
  return merged.join(':')
}

/** Only launchd's bare PATH is worth the login shell's start-up files; a PATH from a terminal is already the user's. */
export const shouldReadLoginShell = (platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean =>
  platform === 'darwin' && entriesOf(env.PATH).every((folder) => MAC_SYSTEM_FOLDERS.includes(folder))

/**
 * How to ask the user's login shell for its PATH: interactive too, since many people set PATH in
 * .zshrc. printenv prints it colon-separated even from fish; the marks fence it off from whatever
 * the start-up files print.
 */
export function loginShellCommand(env: NodeJS.ProcessEnv, accountShell: string | undefined): ChildSpec {
  const shell = env.SHELL || accountShell || '/bin/zsh'
  const script = `echo ${MARK}; /usr/bin/printenv PATH; echo ${MARK}`
  // csh and tcsh take -l only as their sole flag
  const flags = /(^|\/)t?csh$/.test(shell) ? '-ic' : '-ilc'
  // oh-my-zsh would otherwise ask whether to update, and wait for an answer
  return { file: shell, args: [flags, script], env: { DISABLE_AUTO_UPDATE: 'true' }, timeoutMs: LOGIN_SHELL_TIMEOUT_MS }
}

/** The PATH between the marks, or undefined when the shell did not print one. */
export function pathFromLoginShell(stdout: string): string | undefined {
  const parts = stdout.split(MARK)
  const path = parts.length >= 3 ? parts[1]!.trim() : ''
  return path.startsWith('/') && !path.includes('\n') ? path : undefined
}

export interface PathRepair {
  before: string | undefined
  after: string | undefined
  /** What became of asking the login shell: read, not needed, or why it gave nothing. */
  loginShell: string
}

/** Reads the login shell's PATH when it is needed (macOS, bare PATH), then sets the repaired PATH in `env`. */
export async function repairDesktopPath(options: {
  platform: NodeJS.Platform
  env: NodeJS.ProcessEnv
  homeDir: string
  accountShell: string | undefined
  run?: (spec: ChildSpec) => Promise<ChildOutcome>
}): Promise<PathRepair> {
  const before = options.env.PATH
  if (options.platform !== 'darwin') return { before, after: before, loginShell: 'not needed on this system' }
  let loginShellPath: string | undefined
  let loginShell = 'not needed: PATH came from a terminal'
  if (shouldReadLoginShell(options.platform, options.env)) {
    const spec = loginShellCommand(options.env, options.accountShell)
    const outcome = await (options.run ?? runChild)(spec)
    loginShellPath = pathFromLoginShell(outcome.stdout.text)
    loginShell = loginShellPath
      ? `read from ${spec.file}`
      : outcome.timedOut
        ? `${spec.file} took longer than ${msToSeconds(LOGIN_SHELL_TIMEOUT_MS)} s to start, so the usual tool folders were added instead`
        : `${spec.file} printed no PATH (${outcome.startError?.message ?? `exit ${outcome.exitCode}`}), so the usual tool folders were added instead`
  }
  const after = repairedPath({ platform: options.platform, env: options.env, homeDir: options.homeDir, loginShellPath })
  if (after !== undefined) options.env.PATH = after
  return { before, after, loginShell }
}

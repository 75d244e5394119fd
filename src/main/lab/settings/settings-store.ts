import { randomUUID } from 'node:crypto'
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { LabError } from '../../../shared/errors'
import { defaultSettings, SETTINGS_VERSION, settingsFields, settingsSchema, type Settings, type SettingsAnswer, type SettingsUpdate } from '../../../shared/settings'
import { formatIssues } from '../../../shared/validation'
import { FileHeldOpenError, heldOpenRetry, retryWhileHeldOpen, type HeldOpenRetry } from '../store/held-open'

const codeOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The settings file (settings.json in the data folder). Reading never fails: a missing file gives
 * the defaults, a damaged or foreign one gives the defaults for what cannot be used plus a problem
 * in words. Saving validates, then writes a temporary file and renames it over the old one, so a
 * crash mid-write leaves the earlier settings whole; saves are serialised so none is lost.
 */
export class SettingsStore {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    readonly file: string,
    /** How the new file replaces the old one; tests pass a rename that fails. */
    private readonly replace: { rename: (from: string, to: string) => Promise<void>; retry: HeldOpenRetry } = { rename, retry: heldOpenRetry() },
  ) {}

  async read(): Promise<SettingsAnswer> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return this.answer({ ...defaultSettings }, [])
      return this.answer({ ...defaultSettings }, [`The settings file ${this.file} could not be read (${codeOf(error) ?? (error as Error).message}), so the defaults are used. Saving the settings writes a new file.`])
    }
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch {
      return this.answer({ ...defaultSettings }, [`The settings file ${this.file} is damaged (not JSON), so the defaults are used. Saving the settings replaces it.`])
    }
    return this.fromFile(raw)
  }

  /** Applies the update over the current settings and writes them; resolves with what is now saved. */
  save(update: SettingsUpdate): Promise<SettingsAnswer> {
    const next = this.queue.then(async () => {
      const current = await this.read()
      const merged = settingsSchema.safeParse({ ...current.settings, ...update })
      if (!merged.success) throw new LabError('invalid-params', formatIssues(merged.error.issues, { ...current.settings, ...update }, 'settings'))
      await this.write(merged.data)
      return this.answer(merged.data, [])
    })
    this.queue = next.catch(() => {})
    return next
  }

  /** Each known field that passes its rule is used; each that does not falls back to its default, with a sentence. */
  private fromFile(raw: unknown): SettingsAnswer {
    if (!isRecord(raw)) return this.answer({ ...defaultSettings }, [`The settings file ${this.file} does not hold settings, so the defaults are used. Saving the settings replaces it.`])
    const problems: string[] = []
    if (raw.version !== SETTINGS_VERSION) {
      problems.push(`The settings file ${this.file} has version ${JSON.stringify(raw.version) ?? 'none'}, not ${SETTINGS_VERSION}; the settings this version of the lab understands are used.`)
    }
    const settings: Settings = { ...defaultSettings }
    for (const key of Object.keys(settingsFields) as (keyof Settings)[]) {
      if (!Object.hasOwn(raw, key)) continue
      const parsed = settingsFields[key].safeParse(raw[key])
      if (parsed.success) Object.assign(settings, { [key]: parsed.data })
      else problems.push(`${formatIssues(parsed.error.issues, raw[key], `setting ${key} in ${this.file}`)} Using the default (${JSON.stringify(defaultSettings[key])}).`)
    }
    return this.answer(settings, problems)
  }

  private answer(settings: Settings, problems: string[]): SettingsAnswer {
    return { settings, file: this.file, problems }
  }

  private async write(settings: Settings): Promise<void> {
    const temporary = `${this.file}.${randomUUID()}.tmp`
    try {
      await mkdir(dirname(this.file), { recursive: true })
      const handle = await open(temporary, 'w')
      try {
        await handle.writeFile(`${JSON.stringify({ version: SETTINGS_VERSION, ...settings }, null, 2)}\n`)
        await handle.sync()
      } finally {
        await handle.close()
      }
      await retryWhileHeldOpen(this.file, () => this.replace.rename(temporary, this.file), this.replace.retry)
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => {})
      throw writeFailure(this.file, error)
    }
  }
}

function writeFailure(file: string, error: unknown): LabError {
  const code = codeOf(error)
  const keep = 'The settings saved before are unchanged.'
  if (error instanceof FileHeldOpenError) return new LabError('store-failed', `${error.message} So the settings were not saved; try again in a moment. ${keep}`)
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new LabError('store-failed', `The folder of ${file} is not writable (${code}), so the settings were not saved. Make it writable, or choose another data folder (command line: --data-dir DIR). ${keep}`)
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') return new LabError('store-failed', `The disk holding ${file} is full (${code}), so the settings were not saved. Free some space and try again. ${keep}`)
  return new LabError('store-failed', `The settings could not be saved in ${file}: ${(error as Error).message}. ${keep}`)
}

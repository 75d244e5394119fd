import { ref, shallowRef } from 'vue'
import { defaultSettings, type Settings, type SettingsAnswer, type SettingsUpdate } from '../../../shared/settings'
import { request } from '../bridge/lab-client'
import { applyTheme } from './theme'
import { reloadMachine } from './useMachine'

const settings = ref<Settings>({ ...defaultSettings })
const answer = shallowRef<SettingsAnswer>()
const error = ref('')
let loading: Promise<void> | undefined

function take(next: SettingsAnswer): void {
  answer.value = next
  settings.value = next.settings
  applyTheme(next.settings.theme)
}

/** The user's settings, loaded once for the whole page; saving applies the theme and probes Python again. */
export function useSettings() {
  loading ??= request('getSettings')
    .then(take)
    .catch((e: Error) => void (error.value = e.message))

  /** Saves, applies the theme, then waits for the engine's new look at Python (saving probes it again). */
  async function save(update: SettingsUpdate): Promise<void> {
    take(await request('saveSettings', update))
    error.value = ''
    await reloadMachine()
  }

  return { settings, answer, error, save }
}

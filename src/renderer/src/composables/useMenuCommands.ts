import { onBeforeUnmount, onMounted, ref } from 'vue'
import type { ScreenId } from '../../../shared/experiments/catalog'
import { hostKind, onEvent } from '../bridge/lab-client'
import { dispatchPanelCommand, MENU_EVENT, nothingToDo, panelCommandListener, shortcutCommand, type PanelCommand } from './menu-commands'

/**
 * For a panel: acts on menu commands while it is mounted. The handler returns true when it took
 * the command (the experiment panel takes Run and Cancel, a result view takes Export).
 */
export function onPanelCommand(handler: (command: PanelCommand) => boolean): void {
  const listener = panelCommandListener(handler)
  onMounted(() => window.addEventListener(MENU_EVENT, listener))
  onBeforeUnmount(() => window.removeEventListener(MENU_EVENT, listener))
}

/**
 * The application menu's commands (desktop) and its shortcuts (browser): opens screens, and passes
 * run, cancel and export to the panel on screen; says so when there is none.
 */
export function useMenuCommands(go: (screen: ScreenId) => void) {
  const notice = ref('')
  let clearTimer: ReturnType<typeof setTimeout> | undefined

  const perform = (command: PanelCommand): void => {
    if (dispatchPanelCommand(command) || !nothingToDo[command]) return
    notice.value = nothingToDo[command]
    clearTimeout(clearTimer)
    clearTimer = setTimeout(() => (notice.value = ''), 5000)
  }

  const offMenu = onEvent('menuCommand', ({ command, screen }) => {
    if (command !== 'navigate') perform(command)
    else if (screen) go(screen)
  })
  const isMac = /Mac|iPhone|iPad/.test(navigator.platform)
  const onKey = (event: KeyboardEvent): void => {
    const command = shortcutCommand(event, isMac)
    if (!command) return
    event.preventDefault()
    perform(command)
  }
  // in the desktop app the menu owns these keys
  if (hostKind === 'browser') window.addEventListener('keydown', onKey)

  onBeforeUnmount(() => {
    offMenu()
    window.removeEventListener('keydown', onKey)
    clearTimeout(clearTimer)
  })
  return { notice }
}

import type { MenuCommand } from '../../../shared/contract/contract'

/** The commands a panel on screen acts on. */
export type PanelCommand = Exclude<MenuCommand['command'], 'navigate'>

/** The DOM event that carries a panel command to whatever panel is on screen. */
export const MENU_EVENT = 'lab:menu'

/**
 * Sends a command to the panels on screen; true when one of them acted on it (it calls
 * preventDefault), false when nothing on this screen can run, cancel or export.
 */
export function dispatchPanelCommand(command: PanelCommand, target: EventTarget = window): boolean {
  return !target.dispatchEvent(new CustomEvent<{ command: PanelCommand }>(MENU_EVENT, { detail: { command }, cancelable: true }))
}

/** A listener for panel commands: the handler returns true when it took the command. */
export function panelCommandListener(handler: (command: PanelCommand) => boolean): (event: Event) => void {
  return (event) => {
    if (handler((event as CustomEvent<{ command: PanelCommand }>).detail.command)) event.preventDefault()
  }
}

export interface KeyPress {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
}

/**
 * The shortcuts of the desktop app's menu, for the browser host (which has no menu):
 * Ctrl+Enter (⌘↩ on a Mac) runs; Escape or Ctrl+. (⌘.) cancels.
 */
export function shortcutCommand(press: KeyPress, isMac: boolean): PanelCommand | undefined {
  const commandKey = isMac ? press.metaKey && !press.ctrlKey : press.ctrlKey && !press.metaKey
  if (press.altKey || press.shiftKey) return undefined
  if (press.key === 'Enter' && commandKey) return 'run'
  if (press.key === '.' && commandKey) return 'cancel'
  if (press.key === 'Escape' && !press.ctrlKey && !press.metaKey) return 'cancel'
  return undefined
}

/** What to tell the user when no panel on screen took the command (nothing for Cancel: Escape is pressed for many reasons). */
export const nothingToDo: Record<PanelCommand, string> = {
  run: 'Nothing to run on this screen: open an experiment (Processes, Threads or Races) first.',
  cancel: '',
  export: 'Nothing to export on this screen: run an experiment or open a saved result first.',
}

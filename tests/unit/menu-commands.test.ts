import { describe, expect, it } from 'vitest'
import { dispatchPanelCommand, MENU_EVENT, panelCommandListener, shortcutCommand, type PanelCommand } from '../../src/renderer/src/composables/menu-commands'
import { applyTheme } from '../../src/renderer/src/composables/theme'

const press = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {}) => ({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods })

describe('menu commands in the page', () => {
  it('reach the panel on screen, which says whether it took them', () => {
    const page = new EventTarget()
    const taken: PanelCommand[] = []
    // an experiment panel: takes run and cancel, not export
    page.addEventListener(MENU_EVENT, panelCommandListener((command) => command !== 'export' && taken.push(command) > 0))
    expect(dispatchPanelCommand('run', page)).toBe(true)
    expect(dispatchPanelCommand('cancel', page)).toBe(true)
    expect(dispatchPanelCommand('export', page)).toBe(false)
    expect(taken).toEqual(['run', 'cancel'])
    // a result view beside it takes export
    page.addEventListener(MENU_EVENT, panelCommandListener((command) => command === 'export'))
    expect(dispatchPanelCommand('export', page)).toBe(true)
  })

  it('are not taken when no panel is on screen', () => {
    expect(dispatchPanelCommand('run', new EventTarget())).toBe(false)
  })

  it('map the menu\'s shortcuts for the browser host', () => {
    expect(shortcutCommand(press('Enter', { ctrlKey: true }), false)).toBe('run')
    expect(shortcutCommand(press('Enter', { metaKey: true }), true)).toBe('run')
    expect(shortcutCommand(press('Enter', { ctrlKey: true }), true)).toBeUndefined()
    expect(shortcutCommand(press('Enter'), false)).toBeUndefined()
    expect(shortcutCommand(press('Enter', { ctrlKey: true, shiftKey: true }), false)).toBeUndefined()
    expect(shortcutCommand(press('Escape'), false)).toBe('cancel')
    expect(shortcutCommand(press('.', { ctrlKey: true }), false)).toBe('cancel')
    expect(shortcutCommand(press('.', { metaKey: true }), true)).toBe('cancel')
    expect(shortcutCommand(press('.'), false)).toBeUndefined()
    expect(shortcutCommand(press('a', { ctrlKey: true }), false)).toBeUndefined()
  })
})

describe('the theme setting', () => {
  it('sets data-theme for light and dark, and removes it to follow the system', () => {
    const root = { dataset: {} as DOMStringMap }
    applyTheme('dark', root)
    expect(root.dataset.theme).toBe('dark')
    applyTheme('light', root)
    expect(root.dataset.theme).toBe('light')
    applyTheme('system', root)
    expect('theme' in root.dataset).toBe(false)
  })
})

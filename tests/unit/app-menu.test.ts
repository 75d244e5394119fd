import { describe, expect, it, vi } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'
import type { MenuCommand } from '../../src/shared/contract/contract'

vi.mock('electron', () => ({ dialog: {}, Menu: {} }))
const { aboutDetail, menuTemplate } = await import('../../src/main/shell/menu')

function plan(platform: NodeJS.Platform, development: boolean) {
  const sent: MenuCommand[] = []
  const about = vi.fn()
  return { sent, about, plan: { appName: 'Concurrency Lab', platform, development, send: (command: MenuCommand) => void sent.push(command), about } }
}

const submenu = (item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] => (item?.submenu ?? []) as MenuItemConstructorOptions[]
const find = (items: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions | undefined => items.find((item) => item.label === label || item.label === `&${label}`)
const click = (item: MenuItemConstructorOptions | undefined): void => (item?.click as (() => void) | undefined)?.()

describe('the application menu', () => {
  it('has File (Export…, Quit), Edit, View, Experiment and Help on Windows and Linux', () => {
    const { plan: p, sent, about } = plan('linux', false)
    const menu = menuTemplate(p)
    expect(menu.map((item) => item.label ?? item.role)).toEqual(['&File', 'editMenu', '&View', '&Experiment', 'help'])
    const file = submenu(find(menu, 'File'))
    expect(file.map((item) => item.label ?? item.role ?? item.type)).toEqual(['Export…', 'separator', 'quit'])
    click(find(file, 'Export…'))
    expect(sent).toEqual([{ command: 'export' }])
    click(submenu(menu.at(-1))[0])
    expect(about).toHaveBeenCalledOnce()
  })

  it('opens every screen from View, and offers reload and developer tools in development only', () => {
    const { plan: shipped, sent } = plan('win32', false)
    const view = submenu(find(menuTemplate(shipped), 'View'))
    const screens = view.filter((item) => item.click)
    expect(screens.map((item) => item.label)).toEqual(['Lessons', 'Processes', 'Threads', 'Races', 'Results', 'Chapter', 'Settings'])
    for (const item of screens) click(item)
    expect(sent).toEqual(['lessons', 'processes', 'threads', 'races', 'results', 'chapter', 'settings'].map((screen) => ({ command: 'navigate', screen })))
    expect(view.map((item) => item.role)).not.toContain('toggleDevTools')
    expect(view.map((item) => item.role)).not.toContain('reload')
    const development = submenu(find(menuTemplate(plan('win32', true).plan), 'View'))
    expect(development.map((item) => item.role)).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']))
  })

  it('sends Run on CmdOrCtrl+Enter and Cancel on Escape or CmdOrCtrl+.', () => {
    const { plan: p, sent } = plan('linux', false)
    const experiment = submenu(find(menuTemplate(p), 'Experiment'))
    const byAccelerator = new Map(experiment.map((item) => [item.accelerator, item]))
    expect([...byAccelerator.keys()]).toEqual(['CmdOrCtrl+Enter', 'Escape', 'CmdOrCtrl+.'])
    for (const accelerator of byAccelerator.keys()) click(byAccelerator.get(accelerator))
    expect(sent).toEqual([{ command: 'run' }, { command: 'cancel' }, { command: 'cancel' }])
  })

  it('follows macOS conventions: an app menu with About and Quit, Close in File, a Window menu', () => {
    const { plan: p, about } = plan('darwin', false)
    const menu = menuTemplate(p)
    expect(menu.map((item) => item.label ?? item.role)).toEqual(['Concurrency Lab', '&File', 'editMenu', '&View', '&Experiment', 'windowMenu', 'help'])
    const appMenu = submenu(menu[0])
    expect(appMenu.map((item) => item.role).filter(Boolean)).toEqual(['services', 'hide', 'hideOthers', 'unhide', 'quit'])
    click(appMenu[0])
    expect(about).toHaveBeenCalledOnce()
    expect(submenu(find(menu, 'File')).map((item) => item.role).filter(Boolean)).toEqual(['close'])
  })

  it('gives every accelerator to one item only', () => {
    for (const platform of ['darwin', 'linux', 'win32'] as const) {
      const accelerators = menuTemplate(plan(platform, true).plan).flatMap((item) => submenu(item)).flatMap((item) => (item.accelerator ? [item.accelerator] : []))
      expect(new Set(accelerators).size).toBe(accelerators.length)
    }
  })

  it('shows the versions a bug report needs in About', () => {
    const detail = aboutDetail('0.1.0', { ...process.versions, electron: '45.5.0', chrome: '142.0.0.0' }, 'linux', 'x64')
    expect(detail).toContain('Version 0.1.0')
    expect(detail).toContain('Electron 45.5.0')
    expect(detail).toContain('Chrome 142.0.0.0')
    expect(detail).toContain(`Node.js ${process.versions.node}`)
    expect(detail).toContain('OS linux x64')
  })
})

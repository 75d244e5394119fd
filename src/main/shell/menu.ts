import { dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron'
import type { MenuCommand } from '../../shared/contract/contract'
import type { ScreenId } from '../../shared/experiments/catalog'

/** Every screen of the View menu; `satisfies` makes a new screen fail to compile until it is listed here. */
const screenItems = {
  lessons: { label: 'Lessons', accelerator: 'CmdOrCtrl+0' },
  processes: { label: 'Processes', accelerator: 'CmdOrCtrl+1' },
  threads: { label: 'Threads', accelerator: 'CmdOrCtrl+2' },
  races: { label: 'Races', accelerator: 'CmdOrCtrl+3' },
  results: { label: 'Results', accelerator: 'CmdOrCtrl+4' },
  chapter: { label: 'Chapter', accelerator: 'CmdOrCtrl+5' },
  settings: { label: 'Settings', accelerator: 'CmdOrCtrl+,' },
} satisfies Record<ScreenId, { label: string; accelerator: string }>

export interface MenuPlan {
  appName: string
  platform: NodeJS.Platform
  /** Reload and developer tools are offered in development only. */
  development: boolean
  /** Sends a command to the page (the `menuCommand` event). */
  send(command: MenuCommand): void
  about(): void
}

/** The application menu, as data: File, Edit, View, Experiment, (Window on macOS), Help. */
export function menuTemplate(plan: MenuPlan): MenuItemConstructorOptions[] {
  const mac = plan.platform === 'darwin'
  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          label: plan.appName,
          submenu: [
            { label: `About ${plan.appName}`, click: () => plan.about() },
            { type: 'separator' },
            { role: 'services' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : []
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => plan.send({ command: 'export' }) },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  }
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...Object.entries(screenItems).map(([screen, item]): MenuItemConstructorOptions => ({ ...item, click: () => plan.send({ command: 'navigate', screen: screen as ScreenId }) })),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(plan.development ? ([{ type: 'separator' }, { role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }] satisfies MenuItemConstructorOptions[]) : []),
    ],
  }
  const experiment: MenuItemConstructorOptions = {
    label: '&Experiment',
    submenu: [
      { label: 'Run', accelerator: 'CmdOrCtrl+Enter', click: () => plan.send({ command: 'run' }) },
      { label: 'Cancel', accelerator: 'Escape', click: () => plan.send({ command: 'cancel' }) },
      // a second shortcut for Cancel: menus allow one accelerator per item, so a hidden twin carries it
      { label: 'Cancel', accelerator: 'CmdOrCtrl+.', visible: false, acceleratorWorksWhenHidden: true, click: () => plan.send({ command: 'cancel' }) },
    ],
  }
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: mac ? [] : [{ label: `About ${plan.appName}`, click: () => plan.about() }],
  }
  return [...appMenu, file, { role: 'editMenu' }, view, experiment, ...(mac ? [{ role: 'windowMenu' } satisfies MenuItemConstructorOptions] : []), help]
}

/** The About box's text: the versions a bug report needs. */
export function aboutDetail(appVersion: string, versions: NodeJS.ProcessVersions, platform: string, arch: string): string {
  return [
    `Version ${appVersion}`,
    `Electron ${versions.electron ?? 'unknown'}`,
    `Chrome ${versions.chrome ?? 'unknown'}`,
    `Node.js ${versions.node}`,
    `V8 ${versions.v8}`,
    `OS ${platform} ${arch}`,
  ].join('\n')
}

export function showAbout(window: BrowserWindow | undefined, appName: string, appVersion: string): void {
  const options = {
    type: 'info' as const,
    title: `About ${appName}`,
    message: appName,
    detail: aboutDetail(appVersion, process.versions, process.platform, process.arch),
    buttons: ['OK'],
  }
  void (window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options))
}

export function installAppMenu(plan: MenuPlan): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(plan)))
}

import { describe, expect, it } from 'vitest'
import { secureWebPreferences } from '../../src/main/shell/web-preferences'

describe("the window's web preferences", () => {
  it('follow the security checklist', () => {
    expect(secureWebPreferences('/app/preload/index.cjs')).toMatchObject({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
  })
})

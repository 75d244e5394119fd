import { afterEach, expect, it } from 'vitest'
import { builtinSleep, nodeCommand, nodeScriptCommand } from '../../src/main/lab/processes/node-program'
import { electronVersions, hostRuntime, runtimeOf, tellHostRuntime } from '../../src/main/lab/runtime'

afterEach(() => tellHostRuntime(undefined))

it('under plain Node, runs the portable programs with this Node as it is', () => {
  expect(electronVersions()).toBeUndefined()
  expect(nodeCommand('0').env).toBeUndefined()
  expect(nodeScriptCommand('/x/worker.js').env).toBeUndefined()
})

it('told it runs in the desktop app (the engine thread is), runs them as Electron-as-Node, and says which Electron', () => {
  tellHostRuntime({ electron: { electron: '45.5.0', chrome: '146.0.0.0' } })
  expect(electronVersions()).toEqual({ electron: '45.5.0', chrome: '146.0.0.0' })
  // without ELECTRON_RUN_AS_NODE, the app's binary would start a second app instead of running the script
  expect(nodeCommand('0').env).toEqual({ ELECTRON_RUN_AS_NODE: '1' })
  expect(nodeScriptCommand('/x/worker.js').env).toEqual({ ELECTRON_RUN_AS_NODE: '1' })
  expect(builtinSleep(1).env).toEqual({ ELECTRON_RUN_AS_NODE: '1' })
})

it('knows the packaged app\'s resources folder from Electron\'s main process, or from what it was told', () => {
  expect(hostRuntime().resourcesPath).toBeUndefined()
  tellHostRuntime({ resourcesPath: '/opt/Concurrency Lab/resources' })
  expect(hostRuntime()).toEqual({ resourcesPath: '/opt/Concurrency Lab/resources' })
  expect(electronVersions()).toBeUndefined()
})

it('reads Electron\'s main process as Electron, its versions and resources folder, and plain Node as neither', () => {
  const electronMain = { versions: { node: '22.20.0', electron: '45.5.0', chrome: '146.0.7680.31' }, resourcesPath: '/Applications/Concurrency Lab.app/Contents/Resources' }
  expect(runtimeOf(electronMain)).toEqual({ electron: { electron: '45.5.0', chrome: '146.0.7680.31' }, resourcesPath: '/Applications/Concurrency Lab.app/Contents/Resources' })
  // a worker thread of that process: Node's own process object, without what Electron adds
  expect(runtimeOf({ versions: { node: '22.20.0' } })).toEqual({})
  expect(runtimeOf(process)).toEqual({})
})

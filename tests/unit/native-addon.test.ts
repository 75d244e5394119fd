import { spawn, spawnSync } from 'node:child_process'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { loadNativeSpawnAddon, nativeSpawnAddonPath } from '../../src/main/lab/processes/native-addon'
import { NativeLauncher } from '../../src/main/lab/processes/native-child'
import { builtinSleep } from '../../src/main/lab/processes/node-program'
import { nativeAddon, nativeAddonPath } from './helpers/launchers'
import { testLab } from './helpers/lab'
import { processAlive } from './helpers/processes'

describe('the vfork addon: where it is used', () => {
  it('is looked for on Linux only, under the name scripts/build-native.js builds', () => {
    expect(nativeSpawnAddonPath('/app/resources', { platform: 'linux', arch: 'arm64' })).toBe('/app/resources/native/lab-spawn-linux-arm64.node')
    expect(nativeSpawnAddonPath('/app/resources', { platform: 'darwin', arch: 'arm64' })).toBeUndefined()
    expect(nativeSpawnAddonPath('C:\\app\\resources', { platform: 'win32', arch: 'x64' })).toBeUndefined()
    const built = spawnSync(process.execPath, ['scripts/build-native.js', '--print-target'], { encoding: 'utf8' })
    expect(built.stdout.trim()).toBe(nativeSpawnAddonPath('resources'.replace(/^/, `${process.cwd()}/`)))
  })

  it('falls back to Node\'s spawn, saying why, on other systems and where the addon is missing', () => {
    expect(loadNativeSpawnAddon('/x/lab-spawn-darwin-arm64.node', { platform: 'darwin', arch: 'arm64' }).choice).toEqual({ launcher: 'node', reason: expect.stringMatching(/^On darwin, Node starts children without copying the parent/) })
    expect(loadNativeSpawnAddon(undefined, { platform: 'linux', arch: 'x64' }).choice.reason).toBe('No vfork addon was given to this helper.')
    expect(loadNativeSpawnAddon('/no/such/lab-spawn.node', { platform: 'linux', arch: 'x64' }).choice.reason).toMatch(/is not built \(\/no\/such\/lab-spawn\.node is missing; node scripts\/build-native\.js builds it\)/)
  })

  it('is what a lab\'s helpers use where it loads', async () => {
    const lab = testLab()
    try {
      const outcome = await lab.spawners.run(builtinSleep(0))
      expect(outcome.launcher).toBe(nativeAddon.choice.launcher)
      expect(lab.spawners.launchers().every((choice) => choice.launcher === nativeAddon.choice.launcher)).toBe(true)
    } finally {
      await lab.shutdown()
    }
  })
})

describe.runIf(nativeAddon.addon)('the vfork addon: its own promises', () => {
  it('gives each child a process group of its own, and ends a group left behind when its leader exits', async () => {
    const launcher = NativeLauncher.for(nativeAddon.addon!)
    const outcome = await launcher.start({ file: '/bin/sh', args: ['-c', 'ps -o pgid= -p $$; sleep 30 & echo $!'] }).outcome
    const [group, leftBehind] = outcome.stdout.text.trim().split('\n').map((line) => Number(line.trim()))
    expect(group).toBe(outcome.pid)
    expect(leftBehind).toBeGreaterThan(0)
    expect(processAlive(leftBehind!)).toBe(false)
    expect(launcher.running()).toEqual([])
  })

  it('times the start and the exit on this process\'s clock', async () => {
    const before = performance.now()
    const outcome = await NativeLauncher.for(nativeAddon.addon!).start({ file: 'sleep', args: ['0.2'] }).outcome
    const after = performance.now()
    expect(outcome.startedAtMs).toBeGreaterThanOrEqual(before)
    expect(outcome.spawnReturnedAtMs).toBeGreaterThan(outcome.startedAtMs)
    expect(outcome.exitedAtMs - outcome.runningAtMs!).toBeGreaterThanOrEqual(195)
    expect(outcome.closedAtMs).toBeLessThanOrEqual(after)
  })

  it('signals only a child of its own that is not yet reaped: never a pid that may since be another process\'s', async () => {
    // a thread of its own: the addon watches once per JavaScript environment, and this one is the launcher's
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' })
    try {
      const report = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const worker = new Worker(
          `
          const { existsSync } = require('node:fs')
          const { parentPort, workerData } = require('node:worker_threads')
          const addon = require(workerData.addonPath)
          let sentWhileRunning
          addon.watch((pid, exitCode, signalNumber) => {
            parentPort.postMessage({
              sentWhileRunning,
              signalNumber,
              reapedBeforeTold: !existsSync('/proc/' + pid),
              sentOnceReaped: addon.signal(pid, 0, false),
              sentToAStranger: addon.signal(workerData.strangerPid, 0, false),
            })
          })
          const { pid } = addon.spawn({ file: 'sleep', argv: ['sleep', '30'], path: process.env.PATH, pipeStdin: false, maxCaptureBytes: 1024 })
          sentWhileRunning = addon.signal(pid, 15, true)
          `,
          { eval: true, workerData: { addonPath: nativeAddonPath, strangerPid: stranger.pid } },
        )
        worker.once('message', (message) => void worker.terminate().then(() => resolve(message)))
        worker.once('error', reject)
      })
      expect(report).toEqual({ sentWhileRunning: true, signalNumber: 15, reapedBeforeTold: true, sentOnceReaped: false, sentToAStranger: false })
      expect(processAlive(stranger.pid!)).toBe(true)
    } finally {
      stranger.kill('SIGKILL')
    }
  })
})

import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { builtLabPaths, labPathsFor } from '../../src/main/lab/paths-default'

describe('where the engine finds workers and scripts', () => {
  it('uses out/main/workers and the checkout\'s resources in development and from the CLI', () => {
    expect(labPathsFor({ entryDir: '/home/me/lab/out/main' }, path.posix)).toEqual({
      workersDir: '/home/me/lab/out/main/workers',
      resourcesDir: '/home/me/lab/resources',
    })
    expect(builtLabPaths(pathToFileURL('/home/me/lab/out-mine/main/index.js').href)).toEqual({
      workersDir: path.resolve('/home/me/lab/out-mine/main/workers'),
      resourcesDir: path.resolve('/home/me/lab/resources'),
    })
  })

  it('uses the unpacked copies beside app.asar in a packaged app (Linux and macOS)', () => {
    const linux = '/opt/Concurrency Lab/resources'
    expect(labPathsFor({ entryDir: `${linux}/app.asar/out/main`, packagedResourcesPath: linux }, path.posix)).toEqual({
      workersDir: `${linux}/app.asar.unpacked/out/main/workers`,
      resourcesDir: `${linux}/app.asar.unpacked/resources`,
    })
    const mac = '/Applications/Concurrency Lab.app/Contents/Resources'
    expect(labPathsFor({ entryDir: `${mac}/app.asar/out/main`, packagedResourcesPath: mac }, path.posix)).toEqual({
      workersDir: `${mac}/app.asar.unpacked/out/main/workers`,
      resourcesDir: `${mac}/app.asar.unpacked/resources`,
    })
  })

  it('uses the unpacked copies on Windows too', () => {
    const windows = 'C:\\Users\\me\\AppData\\Local\\Programs\\Concurrency Lab\\resources'
    expect(labPathsFor({ entryDir: `${windows}\\app.asar\\out\\main`, packagedResourcesPath: windows }, path.win32)).toEqual({
      workersDir: `${windows}\\app.asar.unpacked\\out\\main\\workers`,
      resourcesDir: `${windows}\\app.asar.unpacked\\resources`,
    })
  })

  it('keeps the plain layout for a packaged app built without asar', () => {
    const resources = '/opt/lab/resources'
    expect(labPathsFor({ entryDir: `${resources}/app/out/main`, packagedResourcesPath: resources }, path.posix)).toEqual({
      workersDir: `${resources}/app/out/main/workers`,
      resourcesDir: `${resources}/app/resources`,
    })
    // a folder that merely starts with the same name is not the archive
    expect(labPathsFor({ entryDir: `${resources}/app.asar-old/out/main`, packagedResourcesPath: resources }, path.posix).workersDir).toBe(`${resources}/app.asar-old/out/main/workers`)
  })
})

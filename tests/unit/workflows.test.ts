import yaml from 'js-yaml'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
// @ts-expect-error a plain JavaScript script, run by npm test
import { workflowErrors } from '../../scripts/validate-workflows.js'

interface Step {
  name?: string
  run?: string
  uses?: string
  if?: string
}
interface Job {
  'runs-on': string
  needs?: string
  strategy?: { matrix: { os: string[]; node?: string[]; include?: Record<string, unknown>[] } }
  steps: Step[]
}
interface Workflow {
  on: Record<string, unknown>
  jobs: Record<string, Job>
}

const load = (name: string): { text: string; workflow: Workflow } => {
  const text = readFileSync(`.github/workflows/${name}`, 'utf8')
  return { text, workflow: yaml.load(text) as Workflow }
}

describe('the GitHub workflows', () => {
  it('match GitHub’s schema, and the validator does refuse a broken one', () => {
    expect(workflowErrors(load('ci.yml').text)).toEqual([])
    expect(workflowErrors(load('release.yml').text)).toEqual([])
    const broken = 'name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz:\n      - run: echo\n'
    expect(workflowErrors(broken).join('\n')).toContain("Additional property 'stepz' is not allowed")
  })

  it('CI runs npm test on Linux, macOS and Windows, on the supported Node versions, with real Electron', () => {
    const { jobs } = load('ci.yml').workflow
    const test = jobs.test!
    expect(test.strategy!.matrix.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest'])
    expect(test.strategy!.matrix.node).toEqual(['22', '24'])
    const runs = test.steps.map((step) => step.run ?? '')
    expect(runs).toContain('npm ci --no-audit --no-fund')
    expect(runs.some((run) => /^xvfb-run .*npm test$/.test(run))).toBe(true) // the Electron project needs a display on Linux
    expect(runs).toContain('npm test')
    expect(runs).toContain('node scripts/ensure-electron.js') // the binary the electron project launches
    expect(test.steps.some((step) => step.uses?.startsWith('actions/upload-artifact') && step.if === 'always()')).toBe(true)
  })

  it('a version tag builds the installers on each system into one draft release', () => {
    const { workflow } = load('release.yml')
    expect(workflow.on.push).toEqual({ tags: ['v*'] })
    const installers = workflow.jobs.installers!
    expect(installers.needs).toBe('draft')
    expect(installers.strategy!.matrix.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest'])
    expect(installers.steps.map((step) => step.run)).toContain('npm run dist')
    expect(workflow.jobs.draft!.steps[0]!.run).toContain('--draft')
  })
})

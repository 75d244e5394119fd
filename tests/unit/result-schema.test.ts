import { describe, expect, it } from 'vitest'
import { LabError } from '../../src/shared/errors'
import { exporters } from '../../src/shared/export/registry'
import { parseRunResult } from '../../src/shared/model/result-schema'
import { asCaptureRun, asPipelineRun, fixtureResult } from './fixtures/run-result'

/** The fixture as JSON with one change made to the parsed copy. */
function craftedJson(change: (result: Record<string, unknown>) => void, base = fixtureResult()): string {
  const result = JSON.parse(JSON.stringify(base)) as Record<string, unknown>
  change(result)
  return JSON.stringify(result)
}

function refusal(json: string): string {
  try {
    parseRunResult(json, 'crafted.json')
  } catch (error) {
    expect(error).toBeInstanceOf(LabError)
    return (error as Error).message
  }
  throw new Error('The crafted result was accepted.')
}

describe('a crafted result is refused with a sentence naming the field', () => {
  it('resources that are an empty object', () => {
    expect(refusal(craftedJson((r) => (r.resources = {})))).toMatch(/^Invalid result in crafted\.json: resources\.method: .*\.$/)
  })

  it('a parameter whose value is an object with a toString that is not a function', () => {
    const message = refusal(craftedJson((r) => ((r.params as Record<string, unknown>).children = { toString: 'x' })))
    expect(message).toContain('children must be a whole number from 1 to 1000')
  })

  it('a parameter the experiment no longer has, unless its value is plain', () => {
    expect(refusal(craftedJson((r) => ((r.params as Record<string, unknown>).startFrom = { toString: 'x' })))).toContain('params.startFrom is not a parameter of fanout')
    expect(parseRunResult(craftedJson((r) => ((r.params as Record<string, unknown>).startFrom = 'helpers')), 'older.json').params.startFrom).toBe('helpers')
  })

  it('parameters that break a rule across parameters', () => {
    const message = refusal(craftedJson((r) => Object.assign(r.params as Record<string, unknown>, { pipelines: 200, bytes: 8 * 1024 * 1024 }), asPipelineRun(fixtureResult())))
    expect(message).toMatch(/params: pipelines × bytes must stay within 256\.0 MiB .* Use fewer pipelines or fewer bytes\.$/)
  })

  it('an experiment the lab does not know', () => {
    expect(refusal(craftedJson((r) => (r.experimentId = 'teleport')))).toMatch(/experimentId must name an experiment this lab knows \(capture, fanout, .*\); got "teleport"\./)
  })

  it('a sample that started at 1e300 ms', () => {
    const message = refusal(
      craftedJson((r) => {
        const series = r.series as { samples: { startedAtMs: number }[] }[]
        series[0]!.samples[0]!.startedAtMs = 1e300
      }),
    )
    expect(message).toContain('series.0.samples.0.startedAtMs: must be a time from the year 2000 to 2200; got 1e+300.')
  })

  it('a run that started in the year 3000', () => {
    expect(refusal(craftedJson((r) => (r.startedAt = '3000-01-01T00:00:00.000Z')))).toContain('startedAt: must be a time from the year 2000 to 2200')
  })

  it('a capture result whose stdout is an object', () => {
    const message = refusal(craftedJson((r) => ((r.data as Record<string, unknown>).stdout = { toString: 'x' }), asCaptureRun(fixtureResult())))
    expect(message).toContain('data.stdout.text: Invalid input: expected string, received undefined')
  })

  it('fan-out data whose limits are not a list', () => {
    expect(refusal(craftedJson((r) => ((r.data as Record<string, unknown>).limits = {})))).toContain('data.limits: Invalid input: expected array')
  })

  it('a machine whose Python version is an object', () => {
    expect(refusal(craftedJson((r) => (((r.machine as Record<string, Record<string, unknown>>).python!).version = { toString: 'x' })))).toContain('machine.python.version')
  })
})

describe('results this lab writes still parse and export', () => {
  it('the fixture, without resources, and with the data of a capture and a pipeline run', () => {
    const { resources: _resources, ...withoutResources } = fixtureResult()
    for (const result of [fixtureResult(), withoutResources, asCaptureRun(fixtureResult()), asPipelineRun(fixtureResult())]) {
      const parsed = parseRunResult(JSON.stringify(result), 'fixture.json')
      for (const exporter of exporters) expect(() => exporter.export(parsed)).not.toThrow()
    }
  })
})

// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Component } from 'vue'
import { LabError } from '../../src/shared/errors'
import { parseRunResult } from '../../src/shared/model/result-schema'
import type { RunResult } from '../../src/shared/model/result'
import { completeSavedResult } from '../../src/main/lab/store/complete-result'
import type { FanoutData } from '../../src/shared/experiments/fanout'
import type { FactorizeData } from '../../src/shared/experiments/threads'
import { fitUsl } from '../../src/shared/stats/scaling'
import { formatRatio } from '../../src/shared/units'
import { lanesOf } from '../../src/shared/experiments/worker-lanes'
import { factorizeRunWithLanes } from './fixtures/lanes-result'
import { everyExperimentFixture, fixtureResult } from './fixtures/run-result'
import { inMemoryBridge } from './helpers/bridge'
import { hostileCases } from './helpers/hostile-results'
// the page's declaration of window.lab
import type {} from '../../src/renderer/src/env'

/*
 * The other half of the property the result schema keeps: a result that passes it is shown by
 * the app's result page (the generic tables and charts, and each experiment's own view) without
 * an error. The page is mounted in a DOM without canvases: chart.js then draws nothing, quietly.
 */

let ResultView: Component
beforeAll(async () => {
  // the page talks to the engine through window.lab; nothing here needs an answer
  window.lab = inMemoryBridge().bridge
  ResultView = (await import('../../src/renderer/src/components/ResultView.vue')).default
})

/** Mounts the result page and returns every error rendering it raised. */
function renderErrors(result: RunResult): unknown[] {
  const errors: unknown[] = []
  try {
    const wrapper = mount(ResultView, { props: { result }, global: { config: { errorHandler: (error) => void errors.push(error), warnHandler: () => {} } } })
    wrapper.unmount()
  } catch (error) {
    errors.push(error) // thrown while setting a component up, before Vue's handler sees it
  }
  return errors
}

// as saved (experiment-data.json: before the engine kept its derived figures), and as the store loads them
// and a result with lanes (who ran when), as the engine writes it now
const bases = [...everyExperimentFixture(), ...everyExperimentFixture().slice(1).map(completeSavedResult), factorizeRunWithLanes()]

describe('the result page shows every result the schema lets through', () => {
  it('shows a saved result of every experiment', () => {
    for (const base of bases) expect(renderErrors(parseRunResult(JSON.stringify(base), 'fixture.json')), base.experimentId).toEqual([])
  })

  it("shows the engine's figures and sentences, and nothing recomputed where a saved result lacks them", () => {
    const saved = structuredClone(fixtureResult()) as RunResult<FanoutData>
    delete saved.data.sweepSentence
    for (const row of saved.data.limits) delete row.rounds
    const cells = (result: RunResult, cell: string): string[] => {
      const wrapper = mount(ResultView, { props: { result } })
      const texts = wrapper.findAll(`[data-testid="fanout-limits-table"] [data-cell="${cell}"]`).map((td) => td.text())
      wrapper.unmount()
      return texts
    }
    const sweepText = (result: RunResult): string => {
      const wrapper = mount(ResultView, { props: { result } })
      const text = wrapper.find('[data-testid="fanout-sweep-sentence"]').text()
      wrapper.unmount()
      return text
    }
    expect(cells(saved, 'rounds')).toEqual(['', '', ''])
    expect(sweepText(saved)).toBe('')
    const loaded = completeSavedResult(saved)
    expect(cells(loaded, 'rounds')).toEqual(['10', '5', '1'])
    expect(cells(loaded, 'efficiency')).toEqual(['100%', '96%', '62%'])
    expect(sweepText(loaded)).toBe((fixtureResult().data as FanoutData).sweepSentence)
  })

  it('shows the lanes: a row of figures, a sentence and a chart per traced trial', () => {
    const result = factorizeRunWithLanes()
    const wrapper = mount(ResultView, { props: { result } })
    const lanes = wrapper.find('[data-testid="worker-lanes"]')
    expect(lanes.findAll('[data-lanes]').map((row) => row.attributes('data-lanes'))).toEqual(['threads-2', 'processes-2'])
    expect(lanes.find('[data-lanes="threads-2"] [data-cell="overlap"]').text()).toBe('100% (20.0 ms)')
    expect(lanes.find('[data-lanes="processes-2"] [data-cell="start-spread"]').text()).toBe('5.0 ms')
    // a result saved before the figure was measured shows a dash
    const saved = { ...result, data: { ...(result.data as FactorizeData), lanes: lanesOf(result).map(({ startSpreadMs: _spread, ...rest }) => rest) } }
    const before = mount(ResultView, { props: { result: saved } })
    expect(before.find('[data-lanes="processes-2"] [data-cell="start-spread"]').text()).toBe('—')
    before.unmount()
    expect(lanes.findAll('[data-testid="lanes-sentence"]').map((p) => p.text())).toEqual(lanesOf(result).map((f) => f.sentence))
    // the chart's text alternative: what it shows, and the result's verdict
    expect(lanes.find('[data-testid="chart-lanes-processes-2"] canvas').attributes('aria-label')).toBe(`${lanesOf(result)[1]!.sentence} ${result.headline}`)
    wrapper.unmount()
  })

  it("shows the Universal Scalability Law's fit beside Amdahl's where it finds a peak, and nothing of it for results saved before it", () => {
    const result = factorizeRunWithLanes()
    const data = result.data as FactorizeData
    const usl = fitUsl([{ workers: 1, speedup: 1 }, { workers: 2, speedup: 1.9 }, { workers: 4, speedup: 1.7 }, { workers: 8, speedup: 1.2 }])!
    const withFit = { ...result, data: { ...data, scaling: data.scaling.map((curve, i) => (i === 0 ? { ...curve, usl } : curve)) } }
    const wrapper = mount(ResultView, { props: { result: withFit } })
    expect(wrapper.text()).toContain(`${data.scaling[0]!.label}: the Universal Scalability Law's fit, contention σ 3.2% and coherency κ 9.74%, peaks near 3 workers at ${formatRatio(usl.peakSpeedup!)}.`)
    wrapper.unmount()
    // a peak the fit puts past the counts measured is not called a measured one
    const beyond = fitUsl([{ workers: 1, speedup: 1 }, { workers: 2, speedup: 1.95 }, { workers: 4, speedup: 3.6 }])!
    expect(beyond.peakWorkers!).toBeGreaterThan(4)
    const extrapolated = mount(ResultView, { props: { result: { ...result, data: { ...data, scaling: data.scaling.map((curve, i) => (i === 0 ? { ...curve, usl: beyond } : curve)) } } } })
    expect(extrapolated.text()).toMatch(/would peak, past the counts measured, near \d+ workers at/)
    extrapolated.unmount()
    const before = mount(ResultView, { props: { result } })
    expect(before.text()).not.toContain('Universal Scalability Law')
    before.unmount()
  })

  it('does fail on what the schema refuses (fan-out limits that are not a list), so the check above can fail', () => {
    const fanout = fixtureResult() as RunResult<Record<string, unknown>>
    const crafted = { ...fanout, data: { ...fanout.data, limits: {} } }
    expect(() => parseRunResult(JSON.stringify(crafted), 'crafted.json')).toThrow(/limits/)
    expect(renderErrors(crafted as RunResult).length).toBeGreaterThan(0)
  })

  it('800 seeded crafted results: each is refused by the schema, or shown without an error', () => {
    let shown = 0
    for (const crafted of hostileCases(bases, 800, 20261130)) {
      let result: RunResult
      try {
        result = parseRunResult(crafted.json, 'crafted.json')
      } catch (error) {
        expect(error, crafted.where).toBeInstanceOf(LabError)
        continue
      }
      shown++
      expect(renderErrors(result).map(String), crafted.where).toEqual([])
    }
    expect(shown).toBeGreaterThan(40) // both sides of the property are exercised
  })
})

import { describe, expect, it } from 'vitest'
import { LabError } from '../../src/shared/errors'
import { comparisonExporters, exporters } from '../../src/shared/export/registry'
import { parseRunResult } from '../../src/shared/model/result-schema'
import { completeSavedResult } from '../../src/main/lab/store/complete-result'
import { everyExperimentFixture } from './fixtures/run-result'
import { hostileCases, type Path } from './helpers/hostile-results'

/*
 * A property of every result the lab reads: it is refused with a sentence that names a field it
 * got wrong, or every exporter renders it. Each case is a valid result with one to three fields
 * (anywhere in it) replaced by a hostile value or removed. Seeded, so a failure can be replayed.
 */

const CASES = 600
const SEED = 20261129

/** The words a refusal may use for a field at this path: its names, and the top field's own sentence. */
function namesFor(path: Path): string[] {
  const names = path.filter((key): key is string => typeof key === 'string')
  if (path[0] === 'schemaVersion') names.push('result schema')
  return names
}

// as saved (experiment-data.json: before the engine kept its derived figures), and as the store loads them
const bases = [...everyExperimentFixture(), ...everyExperimentFixture().slice(1).map(completeSavedResult)]

describe('a result with hostile fields is refused naming one, or exports in every format', () => {
  it(`${CASES} seeded cases`, () => {
    let refused = 0
    for (const { json, changes, where } of hostileCases(bases, CASES, SEED)) {
      let parsed
      try {
        parsed = parseRunResult(json, 'crafted.json')
      } catch (error) {
        refused++
        expect(error, where).toBeInstanceOf(LabError)
        const message = (error as Error).message
        expect(message, where).toMatch(/^\S.*\.$/s)
        expect(changes.some((c) => namesFor(c.path).some((name) => message.includes(name))), `${where}\n${message}`).toBe(true)
        continue
      }
      for (const exporter of exporters) expect(() => exporter.export(parsed), `${where}: ${exporter.id}`).not.toThrow()
      for (const exporter of comparisonExporters) expect(() => exporter.export([parsed, parsed]), `${where}: ${exporter.id}`).not.toThrow()
    }
    // most changes break the schema, but not all: both sides of the property are exercised
    expect(refused).toBeGreaterThan(CASES / 4)
    expect(refused).toBeLessThan(CASES)
  })
})

import { readFileSync, writeFileSync } from 'node:fs'
import type { FactorizeMachine, FactorizeTrials } from '../../../src/main/lab/experiments/factorize-summary'
import type { PipelineTrials } from '../../../src/main/lab/experiments/pipeline-summary'
import type { PipelineParams } from '../../../src/shared/experiments/pipeline'
import type { FactorizeParams } from '../../../src/shared/experiments/threads'

/** Trials recorded once on a real machine (see record-trials.test.ts), for the summary tests. */

export interface FactorizeRecording {
  params: FactorizeParams
  machine: FactorizeMachine
  trials: FactorizeTrials
}

export interface PipelineRecording {
  params: PipelineParams
  trials: PipelineTrials
}

const fixture = (file: string): URL => new URL(`../fixtures/${file}`, import.meta.url)

/** A fresh copy on every call, so that a test may edit it. */
export const readRecording = <T>(file: string): T => JSON.parse(readFileSync(fixture(file), 'utf8')) as T

export const writeRecording = (file: string, recording: unknown): void => writeFileSync(fixture(file), `${JSON.stringify(recording, null, 1)}\n`)

export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

export const valuesOf = (samples: readonly { valueMs: number }[]): number[] => samples.map((s) => s.valueMs)

const started: string[] = []

/** The module with the named functions replaced by ones that record the call and throw: for vi.mock. */
export function forbidding<M extends object>(module: M, names: readonly string[]): M {
  const replaced = Object.fromEntries(
    names.map((name) => [
      name,
      function forbidden(): never {
        started.push(name)
        throw new Error(`${name} was called: summarising recorded trials must start no process or thread.`)
      },
    ]),
  )
  return { ...module, ...replaced }
}

/** Every forbidden function called so far (see forbidding). */
export const forbiddenCalls = (): readonly string[] => started

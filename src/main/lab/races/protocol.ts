import type { RaceWorkerMode } from './increment'

/** One typed message protocol between the race pool and its workers; replies carry the trial id. */
export interface TrialRequest {
  type: 'trial'
  trialId: number
  /** Backs the counter cells (see counter-cells.ts). */
  buffer: SharedArrayBuffer
  mode: RaceWorkerMode
  increments: number
  /** Only in a traced trial: where this worker logs each increment (see trace-buffer.ts). */
  trace?: { log: SharedArrayBuffer; rendezvous: SharedArrayBuffer; workers: number }
}

export type WorkerReply =
  | { type: 'loaded' }
  /** Waiting at the start barrier. */
  | { type: 'ready'; trialId: number }
  /** Epoch ms (timeOrigin + now) just after release and just after the last increment. */
  | { type: 'done'; trialId: number; startedAtMs: number; endedAtMs: number }
  | { type: 'failed'; trialId: number; message: string }

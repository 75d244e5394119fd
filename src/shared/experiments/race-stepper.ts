/**
 * A walkthrough of the steps of one increment, by hand: two threads run the lesson's `increment`
 * one instruction at a time, as the user steps either of them. Nothing here is measured; it shows
 * the window between a read and its write, and how a lock closes it.
 */

/** read: load the shared counter into the thread's local; add: local + 1; write: store it back. */
export type StepKind = 'read' | 'add' | 'write' | 'local' | 'lock' | 'unlock'

export interface StepperStep {
  kind: StepKind
  /** What the interpreter runs, as it prints it ("LOAD_ATTR count", "Atomics.load(cells, i)"). */
  text: string
}

export interface StepperProgram {
  id: 'python' | 'node'
  title: string
  /** The increment without a lock. */
  steps: StepperStep[]
  /** How the lock is taken and released in this language. */
  lockText: { acquire: string; release: string }
}

/** One instruction of `dis.get_instructions` on the lesson's Counter.increment. */
export interface PythonInstruction {
  offset: number
  opname: string
  /** The name or constant the instruction works on (dis's argval, as text). */
  argval: string
  argrepr: string
}

const COUNTER_ATTRIBUTE = 'count'
const ADD_OPS = new Set(['INPLACE_ADD', 'BINARY_ADD'])

/** Which instructions touch the shared counter: loading `count`, adding, storing `count`; the rest are the thread's own. */
export function classifyInstruction(instruction: PythonInstruction): StepKind {
  if (instruction.opname.startsWith('LOAD_ATTR') && instruction.argval === COUNTER_ATTRIBUTE) return 'read'
  if (instruction.opname.startsWith('STORE_ATTR') && instruction.argval === COUNTER_ATTRIBUTE) return 'write'
  if (ADD_OPS.has(instruction.opname) || (instruction.opname.startsWith('BINARY_OP') && /^\+=?$/.test(instruction.argrepr))) return 'add'
  return 'local'
}

export function pythonProgram(instructions: readonly PythonInstruction[], version: string): StepperProgram {
  return {
    id: 'python',
    title: `Python ${version}: Counter.increment, as dis shows it (self.count += offset)`,
    steps: instructions.map((i) => ({ kind: classifyInstruction(i), text: `${i.opname}${i.argrepr ? ` ${i.argrepr}` : ''}` })),
    lockText: { acquire: 'with self.lock:  (acquire)', release: 'end of with  (release)' },
  }
}

export const NODE_PROGRAM: StepperProgram = {
  id: 'node',
  title: 'Node: the unsynchronised increment of the race workers',
  steps: [
    { kind: 'read', text: 'v = Atomics.load(cells, COUNTER)' },
    { kind: 'add', text: 'v = v + 1' },
    { kind: 'write', text: 'Atomics.store(cells, COUNTER, v)' },
  ],
  lockText: { acquire: 'lock()  (compare-exchange 0 → 1)', release: 'unlock()' },
}

/** The steps as they run: inside the lock when it is on. */
export function stepsOf(program: StepperProgram, withLock: boolean): StepperStep[] {
  if (!withLock) return program.steps
  return [{ kind: 'lock', text: program.lockText.acquire }, ...program.steps, { kind: 'unlock', text: program.lockText.release }]
}

export interface StepperThread {
  /** The next step this thread runs. */
  pc: number
  /** The value it read from the counter, once it has read in this increment. */
  read?: number
  /** The value it will write, once it has added. */
  local?: number
  /** Writes to the counter (by anyone) that had happened when it read. */
  writesSeenAtRead?: number
  /** Increments it has finished. */
  done: number
}

export interface StepperState {
  steps: StepperStep[]
  withLock: boolean
  counter: number
  /** Every write to the counter so far. */
  writes: number
  /** Which thread holds the lock (0 or 1), if any. */
  lockHolder?: number
  threads: [StepperThread, StepperThread]
  /** Updates overwritten so far. */
  lostUpdates: number
  /** What the last step did, as a sentence. */
  message: string
  /** True when the last step overwrote another thread's update. */
  lastWasLostUpdate: boolean
  /** The sentence of the latest lost update, kept while the threads step on. */
  lostUpdateMessage?: string
}

export function newStepper(program: StepperProgram, withLock: boolean): StepperState {
  return {
    steps: stepsOf(program, withLock),
    withLock,
    counter: 0,
    writes: 0,
    threads: [{ pc: 0, done: 0 }, { pc: 0, done: 0 }],
    lostUpdates: 0,
    message: withLock ? 'Both threads are about to take the lock.' : 'Both threads are about to run increment(); the counter is 0.',
    lastWasLostUpdate: false,
  }
}

const name = (thread: number): string => `thread ${thread + 1}`

/** Why a thread cannot step now (it waits for the lock), or undefined when it can. */
export function blockedReason(state: StepperState, thread: number): string | undefined {
  const step = state.steps[state.threads[thread]!.pc]
  if (step?.kind === 'lock' && state.lockHolder !== undefined && state.lockHolder !== thread) {
    return `${name(thread)} waits: ${name(state.lockHolder)} holds the lock until it has written.`
  }
  return undefined
}

/** Finished increments of both threads: what the counter would say if no update had been lost. */
export const expectedCount = (state: StepperState): number => state.threads[0].done + state.threads[1].done

/** Runs the next step of one thread; a thread that must wait for the lock stays where it is. */
export function stepThread(state: StepperState, thread: 0 | 1): StepperState {
  const blocked = blockedReason(state, thread)
  if (blocked) return { ...state, message: blocked, lastWasLostUpdate: false }
  const threads: [StepperThread, StepperThread] = [{ ...state.threads[0] }, { ...state.threads[1] }]
  const me = threads[thread]
  const step = state.steps[me.pc]!
  const next: StepperState = { ...state, threads, lastWasLostUpdate: false }
  switch (step.kind) {
    case 'lock':
      next.lockHolder = thread
      next.message = `${name(thread)} takes the lock.`
      break
    case 'unlock':
      next.lockHolder = undefined
      next.message = `${name(thread)} releases the lock.`
      break
    case 'read':
      me.read = state.counter
      me.writesSeenAtRead = state.writes
      next.message = `${name(thread)} reads the counter: ${state.counter}.`
      break
    case 'add':
      me.local = (me.read ?? 0) + 1
      next.message = `${name(thread)} adds one in its own copy: ${me.local}. The counter still says ${state.counter}.`
      break
    case 'write': {
      const value = me.local ?? (me.read ?? 0) + 1
      const overwritten = state.writes - (me.writesSeenAtRead ?? state.writes)
      next.counter = value
      next.writes = state.writes + 1
      if (overwritten > 0) {
        next.lostUpdates = state.lostUpdates + overwritten
        next.lastWasLostUpdate = true
        next.message = `Lost update: ${name(thread)} writes ${value}, but it read ${me.read} before ${name(1 - thread)} wrote ${state.counter}; that update is overwritten.`
        next.lostUpdateMessage = next.message
      } else {
        next.message = `${name(thread)} writes ${value}.`
      }
      break
    }
    case 'local':
      next.message = `${name(thread)}: ${step.text} (its own stack, nothing shared).`
      break
  }
  me.pc++
  if (me.pc === state.steps.length) {
    me.pc = 0
    me.done++
    me.read = undefined
    me.local = undefined
    me.writesSeenAtRead = undefined
  }
  return next
}

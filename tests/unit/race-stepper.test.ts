import { describe, expect, it } from 'vitest'
import { NODE_PROGRAM, blockedReason, classifyInstruction, expectedCount, newStepper, pythonProgram, stepThread, type PythonInstruction, type StepperState } from '../../src/shared/experiments/race-stepper'

/** Steps threads in the given order ("0 1 1 0": thread 1, thread 2, …). */
const run = (state: StepperState, order: string): StepperState => order.split(' ').reduce((s, t) => stepThread(s, Number(t) as 0 | 1), state)

/** dis.get_instructions(Counter.increment) on CPython 3.11.7, as race.py prints it. */
const PY311: PythonInstruction[] = [
  { offset: 0, opname: 'RESUME', argval: '0', argrepr: '' },
  { offset: 2, opname: 'LOAD_FAST', argval: 'self', argrepr: 'self' },
  { offset: 4, opname: 'COPY', argval: '1', argrepr: '' },
  { offset: 6, opname: 'LOAD_ATTR', argval: 'count', argrepr: 'count' },
  { offset: 16, opname: 'LOAD_FAST', argval: 'offset', argrepr: 'offset' },
  { offset: 18, opname: 'BINARY_OP', argval: '13', argrepr: '+=' },
  { offset: 22, opname: 'SWAP', argval: '2', argrepr: '' },
  { offset: 24, opname: 'STORE_ATTR', argval: 'count', argrepr: 'count' },
  { offset: 34, opname: 'LOAD_CONST', argval: 'None', argrepr: 'None' },
  { offset: 36, opname: 'RETURN_VALUE', argval: 'None', argrepr: '' },
]

describe('the walkthrough of an increment', () => {
  it('classifies the bytecode of 3.8 and 3.11: only the load of count, the add and the store of count touch the counter', () => {
    expect(PY311.map(classifyInstruction)).toEqual(['local', 'local', 'local', 'read', 'local', 'add', 'local', 'write', 'local', 'local'])
    const py38 = ['LOAD_FAST', 'DUP_TOP', 'LOAD_ATTR', 'LOAD_FAST', 'INPLACE_ADD', 'ROT_TWO', 'STORE_ATTR', 'LOAD_CONST', 'RETURN_VALUE']
    const args = ['self', '', 'count', 'offset', '', '', 'count', 'None', '']
    expect(py38.map((opname, i) => classifyInstruction({ offset: i * 2, opname, argval: args[i]!, argrepr: args[i]! }))).toEqual(['local', 'local', 'read', 'local', 'add', 'local', 'write', 'local', 'local'])
    // loading another attribute is not a read of the counter
    expect(classifyInstruction({ offset: 0, opname: 'LOAD_ATTR', argval: 'lock', argrepr: 'lock' })).toBe('local')
  })

  it('one thread after the other: exact, no lost update', () => {
    const state = run(newStepper(NODE_PROGRAM, false), '0 0 0 1 1 1')
    expect(state.counter).toBe(2)
    expect(expectedCount(state)).toBe(2)
    expect(state.lostUpdates).toBe(0)
  })

  it('both read before either writes (Node): the second write overwrites the first, and the stepper says "lost update"', () => {
    let state = run(newStepper(NODE_PROGRAM, false), '0 1 0 1')
    expect(state.threads.map((t) => t.read)).toEqual([0, 0])
    expect(state.threads.map((t) => t.local)).toEqual([1, 1])
    state = stepThread(state, 0)
    expect(state.counter).toBe(1)
    expect(state.lastWasLostUpdate).toBe(false)
    state = stepThread(state, 1)
    expect(state.counter).toBe(1)
    expect(expectedCount(state)).toBe(2)
    expect(state.lostUpdates).toBe(1)
    expect(state.lastWasLostUpdate).toBe(true)
    expect(state.message).toBe("Lost update: thread 2 writes 1, but it read 0 before thread 1 wrote 1; that update is overwritten.")
  })

  it('in Python bytecode: a switch between LOAD_ATTR count and STORE_ATTR count loses an update', () => {
    const program = pythonProgram(PY311, '3.11.7')
    // thread 1 runs up to and including the add (6 steps), thread 2 runs its whole increment, thread 1 finishes
    const state = run(newStepper(program, false), '0 0 0 0 0 0 1 1 1 1 1 1 1 1 1 1 0 0 0 0')
    expect(state.counter).toBe(1)
    expect(expectedCount(state)).toBe(2)
    expect(state.lostUpdates).toBe(1)
    // the sentence stays while thread 1 returns
    expect(state.lastWasLostUpdate).toBe(false)
    expect(state.lostUpdateMessage).toBe('Lost update: thread 1 writes 1, but it read 0 before thread 2 wrote 1; that update is overwritten.')
  })

  it('with the lock, the other thread cannot enter until the holder has written and released: the same interleaving stays exact', () => {
    let state = newStepper(NODE_PROGRAM, true)
    state = run(state, '0 0') // thread 1 takes the lock and reads
    expect(state.lockHolder).toBe(0)
    expect(blockedReason(state, 1)).toBe('thread 2 waits: thread 1 holds the lock until it has written.')
    const blocked = stepThread(state, 1)
    expect(blocked.threads[1].pc).toBe(0)
    expect(blocked.message).toMatch(/thread 2 waits/)
    state = run(blocked, '0 0 0') // add, write, release
    expect(state.lockHolder).toBeUndefined()
    state = run(state, '1 1 1 1 1')
    expect(state.counter).toBe(2)
    expect(state.lostUpdates).toBe(0)
    // trying the lost-update order of the test above never loses with the lock on
    const tried = run(newStepper(NODE_PROGRAM, true), '0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1')
    expect(tried.lostUpdates).toBe(0)
    expect(tried.counter).toBe(expectedCount(tried))
  })
})

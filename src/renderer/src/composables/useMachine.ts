import { ref, shallowRef } from 'vue'
import type { MachineInfo } from '../../../shared/model/machine'
import { request } from '../bridge/lab-client'

const machine = shallowRef<MachineInfo>()
const error = ref<string>()
let loading: Promise<void> | undefined

const load = (): Promise<void> =>
  request('getMachineInfo')
    .then((info) => {
      machine.value = info
      error.value = undefined
    })
    .catch((e: Error) => void (error.value = e.message))

export function useMachine() {
  loading ??= load()
  return { machine, error }
}

/** Asks again (after the Python setting changed): the engine probes the new interpreter. */
export function reloadMachine(): Promise<void> {
  loading = load()
  return loading
}

import { ref, shallowRef } from 'vue'
import type { MachineInfo } from '../../../shared/model/machine'
import { request } from '../bridge/lab-client'

const machine = shallowRef<MachineInfo>()
const error = ref<string>()
let loading: Promise<void> | undefined

export function useMachine() {
  loading ??= request('getMachineInfo')
    .then((info) => void (machine.value = info))
    .catch((e: Error) => void (error.value = e.message))
  return { machine, error }
}

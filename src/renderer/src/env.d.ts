/// <reference types="vite/client" />
import type { LabBridge } from '../../shared/contract/contract'

declare global {
  interface Window {
    /** Present in the desktop app (preload); the browser host builds it over HTTP instead. */
    lab?: LabBridge
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

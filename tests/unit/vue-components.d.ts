// The node-side type check sees the renderer's components only where a test mounts them (result-views.test.ts);
// vue-tsc checks the components themselves.
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent
  export default component
}

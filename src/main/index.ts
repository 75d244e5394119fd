// First, and alone: V8's memory reducer for small heaps goes off before the app's modules load and
// grow the heap (relay-heap.ts says why); the app is imported after it.
import './lab/thread/relay-heap'

const { launchDesktopApp } = await import('./desktop-app')
launchDesktopApp(import.meta.url)

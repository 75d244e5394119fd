import { WORKLOAD_EXAMPLE_TEXTS } from './workload-examples'

/** The texts a form fills a parameter with (TextParam.fillFrom), by set: the renderer's, not the preload's. */
export const FILL_TEXTS: Record<string, Record<string, string>> = {
  'workload-examples': WORKLOAD_EXAMPLE_TEXTS,
}

/** Where the engine finds the files it runs, in a checkout and in a packaged app alike. */
export interface LabPaths {
  /** Built worker entry files (`<name>.js`). */
  workersDir: string
  /** Scripts shipped with the app (Python originals). */
  resourcesDir: string
}

#!/usr/bin/env node
// Checks every GitHub workflow in .github/workflows against GitHub's schema (action-validator,
// offline), so a broken workflow fails `npm test` here rather than on GitHub.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { validateWorkflow } from '@action-validator/core'

/** The schema errors of one workflow's text, each as "path: what is wrong". */
export function workflowErrors(text) {
  const flatten = (errors) => errors.flatMap((error) => (error.states ? error.states.flatMap((state) => flatten(state.errors)) : [`${error.path || '/'}: ${error.detail ?? error.title}`]))
  return [...new Set(flatten(validateWorkflow(text).errors))]
}

function main() {
  const dir = join(fileURLToPath(new URL('..', import.meta.url)), '.github', 'workflows')
  const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name))
  let failed = 0
  for (const name of files) {
    const errors = workflowErrors(readFileSync(join(dir, name), 'utf8'))
    if (errors.length === 0) continue
    failed++
    console.error(`.github/workflows/${name} does not match GitHub's workflow schema:\n  ${errors.join('\n  ')}`)
  }
  if (failed > 0) process.exit(1)
  console.log(`GitHub workflows valid: ${files.join(', ')}`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main()

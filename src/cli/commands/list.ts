import { experiments } from '../../shared/experiments/catalog'
import type { ParamSpec } from '../../shared/experiments/params'

function rangeOf(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'int':
    case 'number':
      return `${spec.min}..${spec.max}${spec.unit ? ` ${spec.unit}` : ''}`
    case 'enum':
      return spec.options.join('|')
    case 'boolean':
      return 'true|false'
    case 'list':
      return `${rangeOf(spec.item)},…`
    case 'text':
      return `text, up to ${spec.maxLength} characters`
  }
}

function describeParam(name: string, spec: ParamSpec): string {
  const fallback = spec.kind === 'list' && spec.default.length === 0 ? 'none' : spec.kind === 'text' ? JSON.stringify(spec.default) : String(spec.default)
  return `    --${name} <${rangeOf(spec)}>  ${spec.help} (default ${fallback})`
}

export function listText(withParams: boolean): string {
  return experiments
    .map((e) => {
      const head = `${e.id.padEnd(12)} ${e.title}: ${e.summary}`
      return withParams ? [head, ...Object.entries(e.params).map(([n, s]) => describeParam(n, s))].join('\n') : head
    })
    .join('\n')
}

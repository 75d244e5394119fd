import { experiments } from '../../shared/experiments/catalog'
import type { ParamSpec } from '../../shared/experiments/params'

function describeParam(name: string, spec: ParamSpec): string {
  const range = spec.kind === 'int' || spec.kind === 'number' ? `${spec.min}..${spec.max}${spec.unit ? ` ${spec.unit}` : ''}` : spec.kind === 'enum' ? spec.options.join('|') : 'true|false'
  return `    --${name} <${range}>  ${spec.help} (default ${String(spec.default)})`
}

export function listText(withParams: boolean): string {
  return experiments
    .map((e) => {
      const head = `${e.id.padEnd(12)} ${e.title}: ${e.summary}`
      return withParams ? [head, ...Object.entries(e.params).map(([n, s]) => describeParam(n, s))].join('\n') : head
    })
    .join('\n')
}

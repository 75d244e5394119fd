import type { Exporter } from './exporter'

/** The full result as saved: schema-versioned (`schemaVersion`), readable back by the lab. */
export const jsonExporter: Exporter = {
  id: 'json',
  label: 'Data (JSON)',
  fileExtension: 'json',
  mimeType: 'application/json',
  export: (result) => `${JSON.stringify(result, null, 2)}\n`,
}

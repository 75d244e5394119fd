import { hostKind, request } from './lab-client'

export function textToBase64(text: string): string {
  return bytesToBase64(new TextEncoder().encode(text))
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/** The desktop app asks where to save (native dialog); the browser downloads. Returns where it went, if known. */
export async function saveFile(suggestedName: string, dataBase64: string, mimeType: string): Promise<string | null> {
  if (hostKind === 'electron') return (await request('saveExport', { suggestedName, dataBase64 })).savedPath
  const link = document.createElement('a')
  link.href = `data:${mimeType};base64,${dataBase64}`
  link.download = suggestedName
  document.body.appendChild(link)
  link.click()
  link.remove()
  return suggestedName
}

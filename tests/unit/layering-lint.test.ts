import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

/*
 * The layering rules of eslint.config.js, run on small sources placed where they would live:
 * the engine never imports the desktop shell, and the shell imports only what its own block allows.
 */
const eslint = new ESLint({ cwd: process.cwd() })

/** The layering messages ESLint gives a source at that path. */
async function layeringErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath })
  return result!.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message)
}

describe('the layering ESLint keeps', () => {
  it('refuses the desktop shell in the engine, from any depth, and in the CLI', async () => {
    expect(await layeringErrors('src/main/lab/probe.ts', "import '../shell/window'\n")).toEqual([expect.stringMatching(/never import the desktop shell/)])
    expect(await layeringErrors('src/main/lab/workers/probe.ts', "import '../../shell/ipc'\n")).toEqual([expect.stringMatching(/never import the desktop shell/)])
    expect(await layeringErrors('src/cli/probe.ts', "import '../main/shell/menu'\n")).toEqual([expect.stringMatching(/never import the desktop shell/)])
  })

  it('lets the engine import the shared code', async () => {
    expect(await layeringErrors('src/main/lab/probe.ts', "import '../../shared/errors'\n")).toEqual([])
  })

  it('refuses the renderer, the CLI and the preload in the desktop shell', async () => {
    expect(await layeringErrors('src/main/shell/probe.ts', "import '../../renderer/src/bridge/lab-client'\n")).toEqual([expect.stringMatching(/Nothing imports the renderer/)])
    expect(await layeringErrors('src/main/shell/probe.ts', "import '../../cli/command'\n")).toEqual([expect.stringMatching(/desktop shell may import electron, src\/shared and src\/main\/lab only/)])
    expect(await layeringErrors('src/main/shell/probe.ts', "import '../../preload/index'\n")).toEqual([expect.stringMatching(/desktop shell may import electron, src\/shared and src\/main\/lab only/)])
  })

  it('lets the desktop shell import electron, the shared code and the engine', async () => {
    expect(await layeringErrors('src/main/shell/probe.ts', "import 'electron'\nimport '../../shared/errors'\nimport '../lab/lab'\n")).toEqual([])
  })
})

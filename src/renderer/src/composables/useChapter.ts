import { computed, onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'
import type { ChapterView } from '../../../shared/contract/contract'
import { hostKind, onEvent, request } from '../bridge/lab-client'
import { saveFile, textToBase64 } from '../bridge/save-file'

/**
 * The chapter run as the Chapter screen shows it: the engine's latest chapter (picked up again
 * when the page opens mid-run), kept current by its progress events; start, cancel and the exports.
 */
export function useChapter() {
  const view = shallowRef<ChapterView | null>(null)
  const cancelling = ref(false)
  const error = ref('')
  const notice = ref('')
  const running = computed(() => view.value?.progress.state === 'running')

  const refresh = async (): Promise<void> => {
    view.value = (await request('getChapter')).chapter
  }
  const offProgress = onEvent('chapterProgress', (progress) => {
    if (!view.value || view.value.progress.chapterId !== progress.chapterId) view.value = { progress }
    else view.value = { ...view.value, progress }
  })
  const offFinished = onEvent('chapterFinished', ({ chapterId, summary, error: failure }) => {
    if (view.value?.progress.chapterId !== chapterId) return
    cancelling.value = false
    view.value = { ...view.value, ...(summary ? { summary } : {}), ...(failure ? { error: failure } : {}) }
  })
  onMounted(() => void refresh().catch((e: Error) => (error.value = e.message)))
  onBeforeUnmount(() => {
    offProgress()
    offFinished()
  })

  const guarded = async (action: () => Promise<void>): Promise<void> => {
    try {
      error.value = ''
      await action()
    } catch (e) {
      notice.value = ''
      error.value = (e as Error).message
    }
  }

  const start = (): Promise<void> =>
    guarded(async () => {
      notice.value = ''
      const { chapterId } = await request('startChapter')
      if (view.value?.progress.chapterId !== chapterId) view.value = { progress: { chapterId, state: 'running', fraction: 0, done: 0, total: 0, timeLeftMs: null, elapsedMs: 0 } }
    })

  const cancel = (): Promise<void> =>
    guarded(async () => {
      if (!view.value) return
      cancelling.value = true
      await request('cancelChapter', { chapterId: view.value.progress.chapterId })
    })

  const save = (format: 'html' | 'json'): Promise<void> =>
    guarded(async () => {
      if (!view.value) return
      // the engine draws every chart of every result for the report: a few seconds
      notice.value = format === 'html' ? 'Drawing the charts and writing the report…' : ''
      const file = await request('exportChapter', { chapterId: view.value.progress.chapterId, format })
      const saved = await saveFile(file.fileName, textToBase64(file.text), file.mimeType)
      notice.value = saved ? `Saved ${saved}` : ''
    })

  const savePdf = (): Promise<void> =>
    guarded(async () => {
      if (!view.value) return
      notice.value = 'Drawing the charts and printing the report…'
      const file = await request('exportChapter', { chapterId: view.value.progress.chapterId, format: 'html' })
      const { savedPath } = await request('saveReportPdf', { suggestedName: file.fileName.replace(/\.html$/, '.pdf'), html: file.text })
      notice.value = savedPath ? `Saved ${savedPath}` : ''
    })

  return { view, running, cancelling, error, notice, start, cancel, save, savePdf, canPrintPdf: hostKind === 'electron' }
}

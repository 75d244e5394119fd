import { computed, ref } from 'vue'
import type { ScreenId } from '../../../shared/experiments/catalog'

const screens: ScreenId[] = ['lessons', 'processes', 'threads', 'races', 'results', 'chapter', 'settings']
const hash = ref(window.location.hash)
window.addEventListener('hashchange', () => (hash.value = window.location.hash))

/** The screen and item shown, kept in the URL hash (#/processes/fanout) so reload and back work; the app opens on the lessons. */
export function useRoute() {
  const parts = computed(() => hash.value.replace(/^#\/?/, '').split('/'))
  const screen = computed<ScreenId>(() => (screens.includes(parts.value[0] as ScreenId) ? (parts.value[0] as ScreenId) : 'lessons'))
  const item = computed(() => parts.value[1] ?? '')
  const go = (to: ScreenId, sub = ''): void => {
    window.location.hash = `#/${to}${sub ? `/${sub}` : ''}`
  }
  return { screen, item, go, screens }
}

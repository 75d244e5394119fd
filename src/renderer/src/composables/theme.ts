import type { Theme } from '../../../shared/settings'

/**
 * Applies the theme setting: `data-theme="light|dark"` on <html> chooses the CSS variables;
 * "system" removes it, so prefers-color-scheme decides (app.css has both).
 */
export function applyTheme(theme: Theme, root: { dataset: DOMStringMap } = document.documentElement): void {
  if (theme === 'system') delete root.dataset.theme
  else root.dataset.theme = theme
}

/** Light/dark theme: follows the system until the user picks one, remembered in localStorage. */
import { createStore, useStore } from './store'

export type ThemeChoice = 'light' | 'dark' | 'system'
const KEY = 'mdnode.theme'

function readChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY)
    return v === 'light' || v === 'dark' ? v : 'system'
  } catch {
    return 'system'
  }
}

const systemDark = () =>
  typeof window !== 'undefined' && window.matchMedia('(prefers-color-scheme: dark)').matches

const choice = createStore<ThemeChoice>(readChoice())

/** The theme in effect for a choice. */
export const resolve = (c: ThemeChoice): 'light' | 'dark' =>
  c === 'system' ? (systemDark() ? 'dark' : 'light') : c

/** Puts (or removes) the `dark` class on <html>. */
export function applyTheme(c: ThemeChoice = choice.get()) {
  document.documentElement.classList.toggle('dark', resolve(c) === 'dark')
}

/** Stores and applies a choice. */
export function setTheme(c: ThemeChoice) {
  try {
    if (c === 'system') localStorage.removeItem(KEY)
    else localStorage.setItem(KEY, c)
  } catch {
    /* storage unavailable */
  }
  choice.set(c)
  applyTheme(c)
}

/** Applies the theme now and follows system changes while the choice is `system`. */
export function initTheme(): () => void {
  choice.set(readChoice())
  applyTheme()
  const mq = window.matchMedia('(prefers-color-scheme: dark)')
  const onChange = () => choice.get() === 'system' && applyTheme()
  mq.addEventListener?.('change', onChange)
  return () => mq.removeEventListener?.('change', onChange)
}

/** The current choice and the theme in effect. */
export function useTheme() {
  const c = useStore(choice)
  return { choice: c, theme: resolve(c), setTheme }
}

/** App-wide notifications (toasts) fed by the central query error handler and by actions. */
import { createStore } from './store'

/** One notification. */
export interface Notice {
  id: number
  kind: 'error' | 'success'
  title: string
  message: string
}

export const notices = createStore<Notice[]>([])
let nextId = 1

/** Shows a notice for a few seconds; the same title+message is not stacked twice. */
export function notify(kind: Notice['kind'], title: string, message: string) {
  if (notices.get().some((n) => n.title === title && n.message === message)) return
  const id = nextId++
  notices.set((all) => [...all.slice(-3), { id, kind, title, message }])
  setTimeout(() => dismiss(id), kind === 'error' ? 8_000 : 4_000)
}

/** Removes a notice. */
export function dismiss(id: number) {
  notices.set((all) => all.filter((n) => n.id !== id))
}

/** Starts the live stream for the app; its events go to `applyEvent`. */
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState, type ReactNode } from 'react'
import { createStore } from '@/lib/store'
import { applyEvent } from './apply-event'
import { StreamConnection, streamUrl, type StreamStatus } from './connection'
import { StreamStatusContext } from './status-context'

/** Provides the stream to the app; `url` is overridable for tests (null: do not connect). */
export function StreamProvider({ children, url }: { children: ReactNode; url?: string | null }) {
  const qc = useQueryClient()
  const [conn] = useState(() =>
    url === null
      ? null
      : new StreamConnection(url ?? streamUrl(), {
          onEvent: (e) => applyEvent(qc, e),
          onReconnect: () => void qc.invalidateQueries(),
        }),
  )
  useEffect(() => {
    conn?.start()
    return () => conn?.stop()
  }, [conn])
  const [fallback] = useState(() => createStore<StreamStatus>('closed'))
  return (
    <StreamStatusContext.Provider value={conn?.status ?? fallback}>
      {children}
    </StreamStatusContext.Provider>
  )
}

/** Folds one live stream event into the query cache and the live stores. */
import type { QueryClient } from '@tanstack/react-query'
import { keys } from '@/api/queries'
import type { StreamEvent } from '@/api/schemas'
import type { SourcePage, SymbolPage } from '@/api/types'
import { addDecision, addPrice, addScore, addTrendPoint, lastFrameAt } from './live-stores'

/** Applies one event to the caches. */
export function applyEvent(qc: QueryClient, e: StreamEvent, now = Date.now()) {
  lastFrameAt.set(now)
  switch (e.type) {
    case 'quote.validated':
      qc.setQueryData<SymbolPage>(keys.symbols, (old) => {
        if (!old) return old
        const known = old.items.some((s) => s.symbol === e.symbol)
        if (!known) void qc.invalidateQueries({ queryKey: keys.symbols })
        const items = old.items.map((s) =>
          s.symbol === e.symbol ? { ...s, price: e.price, observed_at: e.observed_at } : s,
        )
        return { ...old, items }
      })
      addDecision(e, now)
      addTrendPoint(e.symbol, Number(e.price))
      break
    case 'quote.rejected':
    case 'quote.expired':
      addDecision(e, now)
      break
    case 'price.updated':
      addPrice(e, now)
      break
    case 'peer.connected':
    case 'peer.disconnected':
      void qc.invalidateQueries({ queryKey: keys.status })
      void qc.invalidateQueries({ queryKey: keys.peers })
      break
    case 'source.score':
      if (e.score !== null) addScore(e.source, e.score, now, e.quarantined)
      qc.setQueryData<SourcePage>(
        keys.sources,
        (old) =>
          old && {
            ...old,
            items: old.items.map((s) =>
              s.name === e.source
                ? {
                    ...s,
                    score: { local: e.score, network: s.score?.network ?? null },
                    quarantined: e.quarantined ?? s.quarantined,
                    status:
                      e.quarantined === undefined
                        ? s.status
                        : e.quarantined
                          ? 'quarantined'
                          : s.status === 'quarantined'
                            ? 'active'
                            : s.status,
                  }
                : s,
            ),
          },
      )
      break
    case 'heartbeat':
      break
  }
}

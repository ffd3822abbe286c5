/** Rows of the quotes table: /symbols, live prices from the stream, and a 24 h reference price. */
import { useQueries } from '@tanstack/react-query'
import { useState } from 'react'
import { apiGet } from '@/api/client'
import { keys, useSymbols } from '@/api/queries'
import { pricePage } from '@/api/schemas'
import { changePct } from '@/lib/format'
import { useStore } from '@/lib/store'
import { livePrices, recentPrices } from '@/stream/live-stores'

/** One symbol as shown in the table. */
export interface SymbolRow {
  symbol: string
  /** Last validated price (decimal string). */
  price: string
  /** Latest consensus price and its confidence from the stream, when one arrived. */
  consensus?: { price: string; confidence: string }
  change24h: number | null
  sources: number
  observedAt: string
  /** Validated prices received live since the page opened, oldest first. */
  trend: number[]
}

const DAY_MS = 24 * 3600 * 1000

export function useSymbolRows() {
  const symbols = useSymbols()
  const live = useStore(livePrices)
  const trends = useStore(recentPrices)
  const [since] = useState(() => Math.floor(Date.now() / 60_000) * 60_000 - DAY_MS)
  const refs = useQueries({
    queries: (symbols.data?.items ?? []).map((s) => ({
      queryKey: [...keys.prices(s.symbol, since), 'first'],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        apiGet(pricePage, '/prices', { symbol: s.symbol, since, limit: 1 }, signal),
      staleTime: 5 * 60_000,
    })),
  })
  const rows: SymbolRow[] | undefined = symbols.data?.items.map((s, i) => {
    const ref = refs[i]?.data?.items[0]?.price
    const c = live[s.symbol]
    return {
      symbol: s.symbol,
      price: s.price,
      consensus: c && { price: c.price, confidence: c.confidence },
      change24h: changePct(ref, s.price),
      sources: s.sources,
      observedAt: s.observed_at,
      trend: trends[s.symbol] ?? [],
    }
  })
  return { ...symbols, rows }
}

/** Rows matching the search text and freshness filter. */
export function filterRows(
  rows: SymbolRow[],
  q: string,
  status: 'all' | 'fresh' | 'stale',
  now: number,
  freshMs = 60_000,
): SymbolRow[] {
  const needle = q.trim().toUpperCase()
  return rows
    .filter((r) => !needle || r.symbol.includes(needle))
    .filter((r) => {
      if (status === 'all') return true
      const fresh = now - new Date(r.observedAt).getTime() <= freshMs
      return status === 'fresh' ? fresh : !fresh
    })
    .sort((a, b) => a.symbol.localeCompare(b.symbol))
}

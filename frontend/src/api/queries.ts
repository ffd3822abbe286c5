/** TanStack Query hooks, one per read endpoint; keys are shared with the live stream's cache updates. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { apiGet, apiPost } from './client'
import * as s from './schemas'
import { useSettings } from '@/lib/settings'

export const keys = {
  status: ['status'] as const,
  symbols: ['symbols'] as const,
  prices: (symbol: string, since?: number) => ['prices', symbol, since ?? null] as const,
  quotes: (filter: QuoteFilter) => ['quotes', filter] as const,
  quote: (id: string) => ['quote', id] as const,
  peers: ['peers'] as const,
  sources: ['sources'] as const,
  scripts: ['scripts'] as const,
}

/** Filters of `GET /quotes`. */
export interface QuoteFilter {
  symbol?: string
  source?: string
  status?: s.QuoteStatus
  since?: number
  limit?: number
}

export const useStatus = () =>
  useQuery({
    queryKey: keys.status,
    queryFn: ({ signal }) => apiGet(s.status, '/status', {}, signal),
    refetchInterval: 5_000,
  })

export const useSymbols = () =>
  useQuery({
    queryKey: keys.symbols,
    queryFn: ({ signal }) => apiGet(s.symbolPage, '/symbols', {}, signal),
    refetchInterval: 30_000,
  })

export const usePrices = (symbol: string, since?: number, limit = 1000) =>
  useQuery({
    queryKey: keys.prices(symbol, since),
    queryFn: ({ signal }) => apiGet(s.pricePage, '/prices', { symbol, since, limit }, signal),
  })

export const useQuotes = (filter: QuoteFilter, enabled = true) =>
  useQuery({
    queryKey: keys.quotes(filter),
    queryFn: ({ signal }) => apiGet(s.quotePage, '/quotes', { ...filter }, signal),
    enabled,
  })

export const useQuote = (id: string) =>
  useQuery({
    queryKey: keys.quote(id),
    queryFn: ({ signal }) => apiGet(s.quoteDetail, `/quotes/${id}`, {}, signal),
  })

export const usePeers = () =>
  useQuery({
    queryKey: keys.peers,
    queryFn: ({ signal }) => apiGet(s.peerPage, '/peers', {}, signal),
    refetchInterval: 10_000,
  })

export const useSources = () =>
  useQuery({
    queryKey: keys.sources,
    queryFn: ({ signal }) => apiGet(s.sourcePage, '/sources', {}, signal),
    refetchInterval: 10_000,
  })

export const useScripts = () =>
  useQuery({
    queryKey: keys.scripts,
    queryFn: ({ signal }) => apiGet(s.scriptPage, '/scripts', {}, signal),
  })

/** Pause or resume a source (needs the bearer token from the settings). */
export function useSourceAction() {
  const qc = useQueryClient()
  const { token } = useSettings()
  return useMutation({
    mutationFn: ({ name, action }: { name: string; action: 'pause' | 'resume' | 'promote' }) =>
      apiPost(`/sources/${encodeURIComponent(name)}/${action}`, token),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.sources }),
  })
}

/** Trust or install a script (needs the bearer token). */
export function useScriptAction() {
  const qc = useQueryClient()
  const { token } = useSettings()
  return useMutation({
    mutationFn: ({ hash, action }: { hash: string; action: 'trust' | 'install' }) =>
      apiPost(`/scripts/${hash}/${action}`, token),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.scripts }),
  })
}

/** TanStack Query hooks, one per read endpoint; keys are shared with the live stream's cache updates. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError, apiGet, apiPost } from './client'
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
  sourceScores: (name: string, since: number) => ['source-scores', name, since] as const,
  scripts: ['scripts'] as const,
  // Under `scripts`, so invalidating `keys.scripts` refreshes the catalogue too.
  scriptCatalogue: ['scripts', 'available'] as const,
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

/**
 * A list that is empty (and marked `missing`) while the node does not serve the endpoint yet (404),
 * so pages built for newer nodes still work on older ones.
 */
async function listOrMissing<T>(load: () => Promise<{ items: T[]; next: unknown }>) {
  try {
    return { ...(await load()), missing: false }
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && e.code === 'not_found')
      return { items: [] as T[], next: null, missing: true }
    throw e
  }
}

export const usePrices = (symbol: string, since?: number, limit = 1000) =>
  useQuery({
    queryKey: keys.prices(symbol, since),
    queryFn: ({ signal }) =>
      listOrMissing(() => apiGet(s.pricePage, '/prices', { symbol, since, limit }, signal)),
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

/** Score history of one source since `since` (ms). */
export const useSourceScores = (name: string, since: number) =>
  useQuery({
    queryKey: keys.sourceScores(name, since),
    queryFn: ({ signal }) =>
      listOrMissing(() =>
        apiGet(
          s.scoreHistoryPage,
          `/sources/${encodeURIComponent(name)}/scores`,
          { since },
          signal,
        ),
      ),
    refetchInterval: 60_000,
  })

export const useScripts = () =>
  useQuery({
    queryKey: keys.scripts,
    queryFn: ({ signal }) => listOrMissing(() => apiGet(s.scriptPage, '/scripts', {}, signal)),
  })

/** The network's catalogue of announced scripts. */
export const useScriptCatalogue = () =>
  useQuery({
    queryKey: keys.scriptCatalogue,
    queryFn: ({ signal }) =>
      listOrMissing(() => apiGet(s.cataloguePage, '/scripts', { available: 'true' }, signal)),
    refetchInterval: 30_000,
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

/** Who the node records as having installed or trusted a script from this UI. */
export const SCRIPT_ACTOR = 'ui'

/** Trust or install a script (needs the bearer token); refreshes installed list and catalogue. */
export function useScriptAction() {
  const qc = useQueryClient()
  const { token } = useSettings()
  return useMutation({
    mutationFn: ({ hash, action }: { hash: string; action: 'trust' | 'install' }) =>
      apiPost(`/scripts/${hash}/${action}`, token, { by: SCRIPT_ACTOR }),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.scripts }),
  })
}

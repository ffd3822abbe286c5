/** The single QueryClient: retry policy and central error reporting for every query and mutation. */
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query'
import { notify } from '@/lib/notify'
import { ApiError } from './client'

/** Human text for an error, with hints for the statuses the API documents. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 401) return `${e.message} — set the API token in Settings.`
    if (e.status === 403) return `${e.message} — changes are disabled on this node (no api.token).`
    return e.message
  }
  return e instanceof Error ? e.message : String(e)
}

function shouldRetry(failures: number, e: unknown): boolean {
  if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429) return false
  if (e instanceof ApiError && e.code === 'schema') return false
  return failures < 2
}

/** Builds the app's QueryClient. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (e, query) => {
        // First loads show their error in place; only failing background refreshes are toasted.
        if (query.state.data !== undefined) notify('error', 'Refresh failed', describeError(e))
      },
    }),
    mutationCache: new MutationCache({
      onError: (e) => notify('error', 'Action failed', describeError(e)),
      onSuccess: () => notify('success', 'Done', 'The node accepted the change.'),
    }),
    defaultOptions: {
      queries: { staleTime: 5_000, retry: shouldRetry, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  })
}

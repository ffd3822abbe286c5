/** Test harness: fake API over `fetch` from fixtures, and rendering a route with the app's providers. */
import { QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import { createMemoryRouter, RouterProvider } from 'react-router'
import { vi } from 'vitest'
import { createQueryClient } from '@/api/query-client'
import { routes } from '@/routes'
import { StreamProvider } from '@/stream/stream-provider'
import peers from './fixtures/peers.json'
import prices from './fixtures/prices.json'
import quoteDetail from './fixtures/quote-detail.json'
import quotes from './fixtures/quotes.json'
import scriptsAvailable from './fixtures/scripts-available.json'
import scripts from './fixtures/scripts.json'
import sourceScores from './fixtures/source-scores.json'
import sources from './fixtures/sources.json'
import status from './fixtures/status.json'
import symbols from './fixtures/symbols.json'

/** A response body, or a function of the request giving `[status, body]`. */
export type Handler = unknown | ((url: URL, init?: RequestInit) => [number, unknown])

/** Default fixtures per API path (after `/api/v1`). */
export const fixtures: Record<string, Handler> = {
  '/status': status,
  '/symbols': symbols,
  '/prices': (url: URL) => [
    200,
    { ...prices, items: prices.items.filter((p) => p.symbol === url.searchParams.get('symbol')) },
  ],
  '/quotes': quotes,
  [`/quotes/${quoteDetail.id}`]: quoteDetail,
  '/peers': peers,
  '/sources': sources,
  '/sources/binance/scores': sourceScores,
  '/scripts': (url: URL) => [
    200,
    url.searchParams.get('available') === 'true' ? scriptsAvailable : scripts,
  ],
}

/** Replaces `fetch` with the fixtures plus `overrides`; returns the mock to inspect calls. */
export function mockApi(overrides: Record<string, Handler> = {}) {
  const table = { ...fixtures, ...overrides }
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost')
    const handler = table[url.pathname.replace(/^\/api\/v1/, '')]
    const [code, body] =
      handler === undefined
        ? [404, { error: { code: 'not_found', message: `no route ${url.pathname}` } }]
        : typeof handler === 'function'
          ? handler(url, init)
          : [200, handler]
    return new Response(JSON.stringify(body), {
      status: code,
      headers: { 'Content-Type': 'application/json' },
    })
  })
  vi.stubGlobal('fetch', fetchMock)
  return fetchMock
}

/** Renders the app at `path` (no live stream connection); returns the QueryClient too. */
export function renderRoute(path: string) {
  const client = createQueryClient()
  client.setDefaultOptions({
    queries: { ...client.getDefaultOptions().queries, retry: false, refetchInterval: false },
  })
  const router = createMemoryRouter(routes, { initialEntries: [path] })
  const view = render(
    <QueryClientProvider client={client}>
      <StreamProvider url={null}>
        <RouterProvider router={router} />
      </StreamProvider>
    </QueryClientProvider>,
  )
  return { ...view, client, router }
}

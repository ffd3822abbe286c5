import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { applyEvent } from '@/stream/apply-event'
import { recentPrices } from '@/stream/live-stores'
import { mockApi, renderRoute } from '@/test/render'

describe('quotes page', () => {
  it('lists every symbol with its price and source count', async () => {
    mockApi()
    renderRoute('/quotes')
    const rows = await screen.findAllByTestId('quote-row')
    expect(rows).toHaveLength(3)
    expect(within(rows[0]).getByText('BTC')).toBeInTheDocument()
    expect(within(rows[0]).getByText('65,123.45')).toBeInTheDocument()
    expect(within(rows[0]).getByRole('cell', { name: '5' })).toBeInTheDocument()
  })

  it('filters by the search text', async () => {
    mockApi()
    renderRoute('/quotes')
    await screen.findAllByTestId('quote-row')
    await userEvent.type(screen.getByRole('textbox', { name: 'Search symbols' }), 'eth')
    const rows = screen.getAllByTestId('quote-row')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toHaveTextContent('ETH/USD')
    await userEvent.clear(screen.getByRole('textbox', { name: 'Search symbols' }))
    await userEvent.type(screen.getByRole('textbox', { name: 'Search symbols' }), 'doge')
    expect(screen.getByText('No symbol matches')).toBeInTheDocument()
  })

  it('updates and flashes a row when the stream validates a new price', async () => {
    mockApi()
    const { client } = renderRoute('/quotes')
    await screen.findAllByTestId('quote-row')
    act(() =>
      applyEvent(client, {
        type: 'quote.validated',
        id: 'a'.repeat(64),
        symbol: 'ETH/USD',
        source: 'kraken',
        price: '3400.5',
        observed_at: '2026-01-01T00:00:05.000Z',
        latency_ms: 310,
      }),
    )
    const ethRow = () =>
      screen.getAllByTestId('quote-row').find((r) => r.textContent?.includes('ETH'))
    await waitFor(() => expect(ethRow()).toHaveTextContent('3,400.5'))
    expect(ethRow()).toHaveClass('flash-down')
  })

  it('draws a live trend line once two validated prices arrived', async () => {
    recentPrices.set({})
    mockApi()
    const { client } = renderRoute('/quotes')
    await screen.findAllByTestId('quote-row')
    expect(screen.queryByRole('img', { name: 'Recent prices of SOL/USDT' })).toBeNull()
    for (const price of ['187.5', '188.25'])
      act(() =>
        applyEvent(client, {
          type: 'quote.validated',
          id: 'b'.repeat(64),
          symbol: 'SOL/USDT',
          source: 'okx',
          price,
          observed_at: '2026-01-01T00:00:05.000Z',
          latency_ms: 200,
        }),
      )
    const line = await screen.findByRole('img', { name: 'Recent prices of SOL/USDT' })
    expect(line.querySelector('path')).toHaveClass('stroke-up')
  })

  it('shows an error with a retry button when the node fails', async () => {
    mockApi({
      '/symbols': () => [503, { error: { code: 'store_unavailable', message: 'store down' } }],
    })
    renderRoute('/quotes')
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('store down')
    expect(within(alert).getByRole('button', { name: /retry/i })).toBeInTheDocument()
  })

  it('shows an empty state when there are no symbols', async () => {
    mockApi({ '/symbols': { items: [], next: null } })
    renderRoute('/quotes')
    expect(await screen.findByText('No symbols yet')).toBeInTheDocument()
  })
})

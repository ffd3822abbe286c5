import { act, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { applyEvent } from '@/stream/apply-event'
import { recentDecisions } from '@/stream/live-stores'
import { mockApi, renderRoute } from '@/test/render'

describe('overview page', () => {
  it('shows validators connected, quorum and rejection rate from /status', async () => {
    mockApi()
    renderRoute('/')
    const health = await screen.findByRole('region', { name: 'Network health' })
    expect(within(health).getByText('3 / 4')).toBeInTheDocument()
    expect(within(health).getByText('Reachable')).toBeInTheDocument()
    expect(within(health).getByText('2.4%')).toBeInTheDocument()
  })

  it('adds stream decisions to the live feed, newest first', async () => {
    recentDecisions.set([])
    mockApi()
    const { client } = renderRoute('/')
    expect(await screen.findByText('No decisions yet')).toBeInTheDocument()
    const base = {
      symbol: 'BTC/USD',
      source: 'binance',
      observed_at: '2026-01-01T00:00:00.000Z',
      latency_ms: 400,
    }
    act(() => {
      applyEvent(client, { ...base, type: 'quote.validated', id: '1'.repeat(64), price: '65000' })
      applyEvent(client, { ...base, type: 'quote.rejected', id: '2'.repeat(64), price: '70000' })
    })
    await waitFor(() => expect(screen.getAllByTestId('feed-item')).toHaveLength(2))
    const items = screen.getAllByTestId('feed-item')
    expect(items[0]).toHaveTextContent('rejected')
    expect(within(items[1]).getByRole('link')).toHaveAttribute('href', `/quotes/${'1'.repeat(64)}`)
  })
})

import { screen, within } from '@testing-library/react'
import { beforeEach, describe, expect, it } from 'vitest'
import { charts } from '@/test/chart-mock'
import { mockApi, renderRoute } from '@/test/render'

describe('symbol page', () => {
  beforeEach(() => charts.reset())

  it('draws the consensus, band, venue and rejection series and lists recent decisions', async () => {
    mockApi()
    renderRoute('/symbols/BTC/USD')
    const chart = await screen.findByTestId('price-chart')
    expect(screen.getByRole('heading', { name: 'BTC/USD' })).toBeInTheDocument()
    // upper band, lower band, one venue (binance), consensus, rejected points
    expect(charts.series.map((s) => s.options.title ?? '')).toEqual([
      '',
      '',
      'binance',
      'consensus',
      '',
    ])
    const [, , venue, consensus] = charts.series
    expect(consensus.setData).toHaveBeenCalledWith(
      expect.arrayContaining([expect.objectContaining({ value: 65123.45 })]),
    )
    // Venue quotes are points, not a line.
    expect(venue.options).toMatchObject({ lineVisible: false, pointMarkersVisible: true })
    expect(chart).toHaveAttribute('data-points', '4') // 3 consensus + 1 venue point
    const table = screen.getByRole('table', { name: 'Recent decisions' })
    expect(within(table).getAllByRole('row')).toHaveLength(3)
    expect(within(table).getByText('rejected')).toBeInTheDocument()
  })

  it('still charts the venues when the node serves no consensus series', async () => {
    mockApi({ '/prices': () => [404, { error: { code: 'not_found', message: 'no route' } }] })
    renderRoute('/symbols/BTC/USD')
    const chart = await screen.findByTestId('price-chart')
    expect(chart).toHaveAttribute('data-points', '1')
    expect(screen.getByText(/serves no consensus series yet/)).toBeInTheDocument()
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('shows not found for a malformed symbol', async () => {
    mockApi()
    renderRoute('/symbols/btc/usd')
    expect(await screen.findByText('This symbol does not exist.')).toBeInTheDocument()
  })
})

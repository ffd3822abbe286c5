import { screen, within } from '@testing-library/react'
import { describe, expect, it, vi } from 'vitest'
import { mockApi, renderRoute } from '@/test/render'

// jsdom has no canvas: stand in for the chart library and record what it is given.
const series: { setData: ReturnType<typeof vi.fn> }[] = []
vi.mock('lightweight-charts', () => ({
  ColorType: { Solid: 'solid' },
  LineStyle: { Dashed: 2 },
  LineSeries: 'Line',
  createSeriesMarkers: vi.fn(),
  createChart: () => ({
    addSeries: () => {
      const s = { setData: vi.fn(), data: () => [], update: vi.fn() }
      series.push(s)
      return s
    },
    timeScale: () => ({ fitContent: vi.fn() }),
    remove: vi.fn(),
  }),
}))

describe('symbol page', () => {
  it('draws the consensus, band, venue and rejection series and lists recent decisions', async () => {
    mockApi()
    renderRoute('/symbols/BTC/USD')
    expect(await screen.findByTestId('price-chart')).toBeInTheDocument()
    expect(screen.getByRole('heading', { name: 'BTC/USD' })).toBeInTheDocument()
    // upper band, lower band, one venue (binance), consensus, rejected points
    expect(series).toHaveLength(5)
    expect(series[3].setData).toHaveBeenCalledWith(
      expect.arrayContaining([expect.objectContaining({ value: 65123.45 })]),
    )
    const table = screen.getByRole('table', { name: 'Recent decisions' })
    expect(within(table).getAllByRole('row')).toHaveLength(3)
    expect(within(table).getByText('rejected')).toBeInTheDocument()
  })

  it('shows not found for a malformed symbol', async () => {
    mockApi()
    renderRoute('/symbols/btc/usd')
    expect(await screen.findByText('This symbol does not exist.')).toBeInTheDocument()
  })
})

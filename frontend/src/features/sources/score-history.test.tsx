import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import { applyEvent } from '@/stream/apply-event'
import { charts } from '@/test/chart-mock'
import { mockApi, renderRoute } from '@/test/render'

const statusOf = (name: string) =>
  within(screen.getAllByTestId('source-row').find((r) => r.textContent?.startsWith(name))!)
    .getByTestId('source-status')
    .textContent?.trim()

describe('sources reputation', () => {
  beforeEach(() => charts.reset())

  it('shows each source’s status with the quarantine mark', async () => {
    mockApi()
    renderRoute('/sources')
    await screen.findByRole('table', { name: 'Sources' })
    expect(statusOf('binance')).toBe('active')
    expect(statusOf('kraken')).toBe('paused')
    expect(statusOf('okx')).toBe('quarantined')
    expect(screen.getByRole('meter', { name: 'score of okx' })).toHaveAttribute(
      'aria-valuenow',
      '0.21',
    )
  })

  it('charts the selected source’s score history with quarantined spans', async () => {
    mockApi()
    renderRoute('/sources')
    expect(await screen.findByTestId('score-chart')).toBeInTheDocument()
    const score = charts.series.find((s) => s.options.title === 'score')!
    expect(score.setData.mock.calls[0][0].map((p: { value: number }) => p.value)).toEqual([
      0.9, 0.6, 0.25, 0.28, 0.55, 0.8,
    ])
    const band = charts.series.find((s) => s.kind === 'Histogram')!
    expect(band.setData.mock.calls[0][0].map((p: { value: number }) => p.value)).toEqual([
      0, 0, 1, 1, 0, 0,
    ])
    expect(screen.getByText(/shaded: quarantined \(1×\)/)).toBeInTheDocument()
  })

  it('says so when the node keeps no history for a source', async () => {
    mockApi()
    renderRoute('/sources')
    await screen.findByTestId('score-chart')
    await userEvent.click(screen.getByRole('tab', { name: 'kraken' }))
    expect(await screen.findByText('No score history yet')).toBeInTheDocument()
    expect(screen.getByText(/does not keep score history yet/)).toBeInTheDocument()
  })

  it('applies source.score events: new score and quarantine', async () => {
    mockApi()
    const { client } = renderRoute('/sources')
    await screen.findByRole('table', { name: 'Sources' })
    act(() =>
      applyEvent(client, {
        type: 'source.score',
        source: 'binance',
        score: 0.2,
        quarantined: true,
      }),
    )
    await waitFor(() => expect(statusOf('binance')).toBe('quarantined'))
    expect(screen.getByRole('meter', { name: 'score of binance' })).toHaveAttribute(
      'aria-valuenow',
      '0.2',
    )
    act(() =>
      applyEvent(client, {
        type: 'source.score',
        source: 'binance',
        score: 0.7,
        quarantined: false,
      }),
    )
    await waitFor(() => expect(statusOf('binance')).toBe('active'))
  })
})

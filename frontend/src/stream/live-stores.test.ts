import { describe, expect, it } from 'vitest'
import { decisionRate, rejectionRate, type FeedItem } from './live-stores'

const item = (receivedAt: number, type: FeedItem['type'] = 'quote.validated'): FeedItem => ({
  type,
  id: '0'.repeat(64),
  symbol: 'BTC/USD',
  source: 'binance',
  price: '1',
  observed_at: '2026-01-01T00:00:00.000Z',
  latency_ms: 1,
  receivedAt,
})

describe('live figures', () => {
  it('computes decisions per second over the covered span', () => {
    const now = 100_000
    expect(decisionRate([], now)).toBe(0)
    // 20 decisions over the last 10 s → 2/s
    expect(
      decisionRate(
        Array.from({ length: 20 }, (_, i) => item(now - i * 500)),
        now,
      ),
    ).toBeCloseTo(2.1, 1)
    // 30 decisions spread over 60 s: only the last 30 s count → 0.5/s
    expect(
      decisionRate(
        Array.from({ length: 30 }, (_, i) => item(now - i * 2000)),
        now,
      ),
    ).toBeCloseTo(0.5, 1)
    // a single decision just now: span floors at 5 s
    expect(decisionRate([item(now)], now)).toBe(0.2)
  })

  it('computes the rejection share', () => {
    expect(rejectionRate([])).toBeNull()
    expect(
      rejectionRate([item(0), item(0, 'quote.rejected'), item(0, 'quote.expired'), item(0)]),
    ).toBe(0.5)
  })
})

import { describe, expect, it } from 'vitest'
import quotes from '@/test/fixtures/quotes.json'
import prices from '@/test/fixtures/prices.json'
import type { PricePoint, Quote } from '@/api/schemas'
import {
  ascendingUnique,
  consensusSeries,
  priceDecimals,
  rejectedPoints,
  venueSeries,
} from './chart-data'

describe('chart data', () => {
  it('sorts points and keeps the last value per second', () => {
    expect(
      ascendingUnique([
        { time: 5.2, value: 1 },
        { time: 3, value: 2 },
        { time: 5.9, value: 3 },
        { time: 4, value: NaN },
      ]),
    ).toEqual([
      { time: 3, value: 2 },
      { time: 5, value: 3 },
    ])
  })

  it('builds the confidence band around the consensus price', () => {
    const s = consensusSeries(prices.items as PricePoint[])
    expect(s.mid.map((p) => p.value)).toEqual([65000.1, 65080.75, 65123.45])
    expect(s.upper[2].value).toBeCloseTo(65131.45)
    expect(s.lower[0].value).toBeCloseTo(64987.6)
    expect(s.mid[0].time).toBe(Date.parse('2025-12-31T23:58:00Z') / 1000)
  })

  it('splits validated quotes by venue and rejected ones into markers', () => {
    const q = quotes.items as Quote[]
    expect(venueSeries(q)).toEqual([
      {
        source: 'binance',
        points: [{ time: Date.parse('2026-01-01T00:00:00Z') / 1000, value: 65123.45 }],
      },
    ])
    expect(rejectedPoints(q)).toEqual([
      { time: Date.parse('2025-12-31T23:59:30Z') / 1000, value: 66900, label: 'kraken rejected' },
    ])
  })

  it('picks label decimals from the price magnitude', () => {
    expect(priceDecimals(65123.45)).toBe(2)
    expect(priceDecimals(150.03)).toBe(4)
    expect(priceDecimals(0.600752)).toBe(5)
    expect(priceDecimals(0.000123)).toBe(8)
    expect(priceDecimals(undefined)).toBe(2)
    expect(priceDecimals(0)).toBe(2)
  })
})

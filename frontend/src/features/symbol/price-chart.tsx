/** Consensus price with its confidence band, venues' validated quotes and rejection markers. */
import {
  ColorType,
  createChart,
  createSeriesMarkers,
  LineSeries,
  LineStyle,
  type IChartApi,
  type ISeriesApi,
  type Time,
} from 'lightweight-charts'
import { useEffect, useRef } from 'react'
import type { PricePoint, Quote } from '@/api/schemas'
import { useTheme } from '@/lib/theme'
import {
  CHART_THEME,
  consensusSeries,
  priceDecimals,
  rejectedPoints,
  VENUE_COLORS,
  venueSeries,
  type Pt,
} from './chart-data'

const asData = (pts: Pt[]) => pts.map((p) => ({ time: p.time as Time, value: p.value }))

export function PriceChart({
  prices,
  quotes,
  live,
}: {
  prices: PricePoint[]
  quotes: Quote[]
  /** Latest consensus price from the stream; `at` is its interval start (ms). */
  live?: { price: number; at: number }
}) {
  const el = useRef<HTMLDivElement>(null)
  const chart = useRef<IChartApi | null>(null)
  const mid = useRef<ISeriesApi<'Line'> | null>(null)
  const { theme } = useTheme()
  const colors = CHART_THEME[theme]

  useEffect(() => {
    if (!el.current) return
    const { mid: m, upper, lower } = consensusSeries(prices)
    const venues = venueSeries(quotes)
    const digits = priceDecimals(m[0]?.value ?? venues[0]?.points[0]?.value)
    const c = createChart(el.current, {
      localization: { priceFormatter: (v: number) => v.toFixed(digits) },
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: 'transparent' },
        textColor: colors.text,
        fontSize: 11,
      },
      grid: { vertLines: { color: colors.grid }, horzLines: { color: colors.grid } },
      timeScale: { timeVisible: true, secondsVisible: true, borderVisible: false },
      rightPriceScale: { borderVisible: false },
    })
    chart.current = c
    const band = {
      color: colors.band,
      lineWidth: 1,
      lineStyle: LineStyle.Dashed,
      priceLineVisible: false,
      lastValueVisible: false,
      crosshairMarkerVisible: false,
    } as const
    c.addSeries(LineSeries, { ...band, title: '' }).setData(asData(upper))
    c.addSeries(LineSeries, { ...band, title: '' }).setData(asData(lower))
    // Venues' validated quotes as points (no line): where each venue stood against the consensus.
    venues.forEach((v, i) =>
      c
        .addSeries(LineSeries, {
          color: VENUE_COLORS[i % VENUE_COLORS.length],
          lineVisible: false,
          pointMarkersVisible: true,
          pointMarkersRadius: 2.5,
          priceLineVisible: false,
          lastValueVisible: false,
          crosshairMarkerVisible: false,
          title: v.source,
        })
        .setData(asData(v.points)),
    )
    const host = el.current
    host.dataset.points = String(m.length + venues.reduce((n, v) => n + v.points.length, 0))
    host.dataset.colors = [colors.price, ...VENUE_COLORS.slice(0, venues.length)].join(',')
    const main = c.addSeries(LineSeries, { color: colors.price, lineWidth: 2, title: 'consensus' })
    main.setData(asData(m))
    mid.current = main
    const rejected = rejectedPoints(quotes)
    if (rejected.length) {
      const r = c.addSeries(LineSeries, {
        color: colors.down,
        lineVisible: false,
        pointMarkersVisible: true,
        pointMarkersRadius: 3,
        priceLineVisible: false,
        lastValueVisible: false,
        crosshairMarkerVisible: false,
      })
      r.setData(asData(rejected))
      createSeriesMarkers(
        r,
        rejected.map((p) => ({
          time: p.time as Time,
          position: 'aboveBar' as const,
          shape: 'arrowDown' as const,
          color: colors.down,
          text: p.label,
        })),
      )
    }
    c.timeScale().fitContent()
    return () => {
      c.remove()
      chart.current = null
      mid.current = null
    }
  }, [prices, quotes, colors])

  useEffect(() => {
    const s = mid.current
    if (!s || !live) return
    const last = s.data().at(-1)
    const t = Math.floor(live.at / 1000)
    if (last && (last.time as number) > t) return
    s.update({ time: t as Time, value: live.price })
  }, [live])

  return (
    <div
      ref={el}
      data-testid="price-chart"
      role="img"
      aria-label="Price chart"
      className="h-[380px] w-full"
    />
  )
}

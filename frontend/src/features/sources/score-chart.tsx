/** A source's score over time (0..1) with its components and quarantined spans shaded. */
import { ColorType, createChart, HistogramSeries, LineSeries, type Time } from 'lightweight-charts'
import { useEffect, useRef } from 'react'
import { useTheme } from '@/lib/theme'
import { CHART_THEME } from '@/features/symbol/chart-data'
import type { ScorePt } from './score-series'

const COMPONENTS = [
  ['acceptance', '#60a5fa'],
  ['reliability', '#a78bfa'],
  ['deviation', '#f59e0b'],
  ['staleness', '#f472b6'],
] as const

/** Scores are shares: every series keeps the axis at 0..1 so histories of different sources compare. */
const unitRange = () => ({ priceRange: { minValue: 0, maxValue: 1 } })

/** Strictly ascending whole seconds, last value per second. */
function series(points: ScorePt[], value: (p: ScorePt) => number | null | undefined) {
  const bySec = new Map<number, number>()
  for (const p of points) {
    const v = value(p)
    if (typeof v === 'number' && Number.isFinite(v)) bySec.set(Math.floor(p.t / 1000), v)
  }
  return [...bySec].map(([time, v]) => ({ time: time as Time, value: v }))
}

export function ScoreChart({ points }: { points: ScorePt[] }) {
  const el = useRef<HTMLDivElement>(null)
  const { theme } = useTheme()
  const colors = CHART_THEME[theme]
  useEffect(() => {
    if (!el.current) return
    const c = createChart(el.current, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: 'transparent' },
        textColor: colors.text,
        fontSize: 11,
      },
      grid: { vertLines: { color: colors.grid }, horzLines: { color: colors.grid } },
      timeScale: { timeVisible: true, borderVisible: false },
      rightPriceScale: { borderVisible: false },
    })
    // Quarantined points as a shaded band behind the lines, on its own hidden scale.
    const band = c.addSeries(HistogramSeries, {
      priceScaleId: 'quarantine',
      color: theme === 'dark' ? 'rgba(248,113,113,0.18)' : 'rgba(220,38,38,0.12)',
      priceLineVisible: false,
      lastValueVisible: false,
    })
    c.priceScale('quarantine').applyOptions({ visible: false, scaleMargins: { top: 0, bottom: 0 } })
    band.setData(series(points, (p) => (p.quarantined ? 1 : 0)))
    for (const [key, color] of COMPONENTS) {
      const data = series(points, (p) => p[key])
      if (data.length)
        c.addSeries(LineSeries, {
          color,
          lineWidth: 1,
          priceLineVisible: false,
          lastValueVisible: false,
          title: key,
          autoscaleInfoProvider: unitRange,
        }).setData(data)
    }
    c.addSeries(LineSeries, {
      color: colors.price,
      lineWidth: 2,
      title: 'score',
      autoscaleInfoProvider: unitRange,
    }).setData(series(points, (p) => p.score))
    c.timeScale().fitContent()
    return () => c.remove()
  }, [points, colors, theme])
  return (
    <div
      ref={el}
      data-testid="score-chart"
      role="img"
      aria-label="Score history chart"
      className="h-[260px] w-full"
    />
  )
}

/** Pure conversion of API series into lightweight-charts data (UTC seconds, ascending, unique). */
import type { PricePoint, Quote } from '@/api/schemas'
import { toNumber } from '@/lib/format'

/** A chart point: `time` in UTC seconds. */
export interface Pt {
  time: number
  value: number
}

/** Sorts by time and keeps the last value of each second (the chart needs strictly ascending times). */
export function ascendingUnique(points: Pt[]): Pt[] {
  const bySec = new Map<number, number>()
  for (const p of [...points].sort((a, b) => a.time - b.time)) {
    if (Number.isFinite(p.value)) bySec.set(Math.floor(p.time), p.value)
  }
  return [...bySec].map(([time, value]) => ({ time, value }))
}

const secs = (iso: string) => new Date(iso).getTime() / 1000

/** Consensus price and its confidence band (price ± confidence). */
export function consensusSeries(points: PricePoint[]) {
  const mid: Pt[] = []
  const upper: Pt[] = []
  const lower: Pt[] = []
  for (const p of points) {
    const time = secs(p.interval_start)
    const v = toNumber(p.price)
    const c = toNumber(p.confidence)
    mid.push({ time, value: v })
    upper.push({ time, value: v + c })
    lower.push({ time, value: v - c })
  }
  return { mid: ascendingUnique(mid), upper: ascendingUnique(upper), lower: ascendingUnique(lower) }
}

/** Validated quotes grouped by source (venue), each an ascending series; at most `max` venues. */
export function venueSeries(quotes: Quote[], max = 8): { source: string; points: Pt[] }[] {
  const bySource = new Map<string, Pt[]>()
  for (const q of quotes) {
    if (q.status !== 'validated') continue
    const list = bySource.get(q.source) ?? []
    list.push({ time: secs(q.observed_at), value: toNumber(q.price) })
    bySource.set(q.source, list)
  }
  return [...bySource]
    .sort((a, b) => b[1].length - a[1].length)
    .slice(0, max)
    .map(([source, pts]) => ({ source, points: ascendingUnique(pts) }))
}

/** Rejected and expired quotes as points (ascending, unique seconds) with their labels. */
export function rejectedPoints(quotes: Quote[]) {
  const rejected = quotes.filter((q) => q.status !== 'validated')
  const points = ascendingUnique(
    rejected.map((q) => ({ time: secs(q.observed_at), value: toNumber(q.price) })),
  )
  const labels = new Map(
    rejected.map((q) => [Math.floor(secs(q.observed_at)), `${q.source} ${q.status}`]),
  )
  return points.map((p) => ({ ...p, label: labels.get(p.time) ?? 'rejected' }))
}

/** Decimals for price labels: enough to show movement of sub-dollar and large prices alike. */
export function priceDecimals(reference: number | undefined): number {
  if (reference === undefined || !Number.isFinite(reference) || reference === 0) return 2
  const a = Math.abs(reference)
  return a >= 1000 ? 2 : a >= 1 ? 4 : Math.min(10, 2 - Math.floor(Math.log10(a)) + 2)
}

/** Distinct colours for venue lines. */
export const VENUE_COLORS = [
  '#60a5fa',
  '#f59e0b',
  '#a78bfa',
  '#f472b6',
  '#34d399',
  '#fb923c',
  '#22d3ee',
  '#e879f9',
]

/** Chart palette per theme (lightweight-charts needs plain colour strings). */
export const CHART_THEME = {
  light: {
    text: '#475569',
    grid: '#e2e8f0',
    price: '#059669',
    band: 'rgba(5,150,105,0.45)',
    down: '#dc2626',
  },
  dark: {
    text: '#94a3b8',
    grid: '#1e293b',
    price: '#34d399',
    band: 'rgba(52,211,153,0.45)',
    down: '#f87171',
  },
} as const

/** A stand-in for lightweight-charts (jsdom has no canvas) that records every series it is given. */
import { vi } from 'vitest'

/** One recorded series: its kind, options and the data last set. */
export interface FakeSeries {
  kind: string
  options: Record<string, unknown>
  setData: ReturnType<typeof vi.fn>
  update: ReturnType<typeof vi.fn>
  data: () => unknown[]
}

/** Every series created since the last `reset()`. */
export const charts = { series: [] as FakeSeries[], reset: () => (charts.series.length = 0) }

/** The module factory for `vi.mock('lightweight-charts', ...)`. */
export function fakeLightweightCharts() {
  return {
    ColorType: { Solid: 'solid' },
    LineStyle: { Dashed: 2 },
    LineSeries: 'Line',
    HistogramSeries: 'Histogram',
    createSeriesMarkers: vi.fn(),
    createChart: () => ({
      addSeries: (kind: string, options: Record<string, unknown> = {}) => {
        const s: FakeSeries = { kind, options, setData: vi.fn(), update: vi.fn(), data: () => [] }
        charts.series.push(s)
        return s
      },
      priceScale: () => ({ applyOptions: vi.fn() }),
      timeScale: () => ({ fitContent: vi.fn() }),
      remove: vi.fn(),
    }),
  }
}

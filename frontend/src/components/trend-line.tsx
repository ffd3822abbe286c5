/** A tiny SVG line of recent values, scaled to their own range (a price trend, not a score). */
import { cn } from '@/lib/utils'

export function TrendLine({
  values,
  label,
  className,
}: {
  values: number[]
  label: string
  className?: string
}) {
  if (values.length < 2) return <span className="text-xs text-muted-foreground">—</span>
  const w = 80
  const h = 22
  const lo = Math.min(...values)
  const span = Math.max(...values) - lo || 1
  const d = values
    .map((v, i) => {
      const x = (i / (values.length - 1)) * w
      const y = h - 1 - ((v - lo) / span) * (h - 2)
      return `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`
    })
    .join(' ')
  const up = values[values.length - 1] >= values[0]
  return (
    <svg
      role="img"
      aria-label={label}
      width={w}
      height={h}
      viewBox={`0 0 ${w} ${h}`}
      className={cn('inline-block overflow-visible', className)}
    >
      <path
        d={d}
        fill="none"
        strokeWidth={1.5}
        strokeLinejoin="round"
        className={up ? 'stroke-up' : 'stroke-down'}
      />
    </svg>
  )
}

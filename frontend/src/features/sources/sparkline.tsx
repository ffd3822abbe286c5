/** A tiny SVG line of a score history (0..1), shown once the stream has delivered two points. */
export function Sparkline({
  points,
  label,
}: {
  points: { t: number; score: number }[]
  label: string
}) {
  if (points.length < 2) return <span className="text-xs text-muted-foreground">—</span>
  const w = 96
  const h = 24
  const t0 = points[0].t
  const span = Math.max(1, points[points.length - 1].t - t0)
  const d = points
    .map((p, i) => {
      const x = ((p.t - t0) / span) * w
      const y = h - Math.max(0, Math.min(1, p.score)) * h
      return `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`
    })
    .join(' ')
  const up = points[points.length - 1].score >= points[0].score
  return (
    <svg
      role="img"
      aria-label={label}
      width={w}
      height={h}
      viewBox={`0 0 ${w} ${h}`}
      className="overflow-visible"
    >
      <path d={d} fill="none" strokeWidth={1.5} className={up ? 'stroke-up' : 'stroke-down'} />
    </svg>
  )
}

/** A 0..1 score as a small bar plus a percentage; a dash while unknown. */
import { formatScore } from '@/lib/format'
import { cn } from '@/lib/utils'

export function ScoreBar({
  value,
  label,
}: {
  value: number | null | undefined
  /** Accessible name, e.g. "local reputation". */
  label?: string
}) {
  if (value === undefined || value === null)
    return <span className="text-xs text-muted-foreground">—</span>
  const v = Math.max(0, Math.min(1, value))
  return (
    <span className="inline-flex items-center gap-2" title={label}>
      <span
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={1}
        aria-valuenow={v}
        className="h-1.5 w-16 overflow-hidden rounded-full bg-muted"
      >
        <span
          className={cn(
            'block h-full rounded-full',
            v >= 0.8 ? 'bg-up' : v >= 0.5 ? 'bg-warn' : 'bg-down',
          )}
          style={{ width: `${v * 100}%` }}
        />
      </span>
      <span className="num text-xs">{formatScore(value)}</span>
    </span>
  )
}

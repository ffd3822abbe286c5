/** A 0..1 score as a small bar plus a percentage. */
import { formatScore } from '@/lib/format'
import { cn } from '@/lib/utils'

export function ScoreBar({ value }: { value: number | undefined }) {
  if (value === undefined) return <span className="text-xs text-muted-foreground">—</span>
  const v = Math.max(0, Math.min(1, value))
  return (
    <span className="inline-flex items-center gap-2">
      <span className="h-1.5 w-16 overflow-hidden rounded-full bg-muted">
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

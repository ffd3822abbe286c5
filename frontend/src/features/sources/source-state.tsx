/** A source's reputation status (active, quarantined, shadow, paused) plus whether it runs now. */
import { ShieldAlert } from 'lucide-react'
import type { Source } from '@/api/schemas'
import { Badge } from '@/components/ui/badge'
import { sourceStatus } from './score-series'

const VARIANT = {
  active: 'success',
  quarantined: 'danger',
  shadow: 'secondary',
  paused: 'warning',
} as const

export function SourceState({ s }: { s: Source }) {
  const status = sourceStatus(s)
  const variant = VARIANT[status as keyof typeof VARIANT] ?? 'outline'
  return (
    <span className="flex flex-wrap gap-1">
      <Badge variant={variant} data-testid="source-status">
        {status === 'quarantined' && <ShieldAlert className="size-3" aria-hidden />}
        {status}
      </Badge>
      {/* Paused or shadow alongside another status (e.g. quarantined and paused). */}
      {s.paused && status !== 'paused' && <Badge variant="warning">paused</Badge>}
      {s.shadow && status !== 'shadow' && <Badge variant="secondary">shadow</Badge>}
      {s.running && <Badge>running</Badge>}
    </span>
  )
}

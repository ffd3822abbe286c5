/** Status badges of a source: paused, running, shadow, quarantined, reputation status. */
import type { Source } from '@/api/schemas'
import { Badge } from '@/components/ui/badge'

export function SourceState({ s }: { s: Source }) {
  return (
    <span className="flex flex-wrap gap-1">
      {s.quarantined && <Badge variant="danger">quarantined</Badge>}
      {s.paused ? <Badge variant="warning">paused</Badge> : <Badge variant="success">active</Badge>}
      {s.running && <Badge>running</Badge>}
      {s.shadow && <Badge variant="secondary">shadow</Badge>}
      {s.status && s.status !== 'ok' && <Badge variant="outline">{s.status}</Badge>}
    </span>
  )
}

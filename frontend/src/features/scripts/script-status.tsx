/** A script's status badge and who installed / trusted it, and when. */
import type { Script } from '@/api/schemas'
import { Badge } from '@/components/ui/badge'
import { formatDateTime } from '@/lib/format'

/** available → installed (untrusted) → trusted. */
export function ScriptStatus({ installed, trusted }: { installed: boolean; trusted: boolean }) {
  if (trusted) return <Badge variant="success">trusted</Badge>
  if (installed) return <Badge variant="warning">installed (untrusted)</Badge>
  return <Badge variant="outline">available</Badge>
}

/** "installed by bob · 21 Nov …", "trusted by alice · …" lines of an installed record. */
export function ScriptProvenance({ record }: { record: Script }) {
  const lines: string[] = []
  if (record.installed_by || record.installed_at)
    lines.push(describe('installed', record.installed_by, record.installed_at))
  if (record.trusted_by || record.trusted_at)
    lines.push(describe('trusted', record.trusted_by, record.trusted_at))
  if (lines.length === 0) return null
  return (
    <div className="num text-xs text-muted-foreground">
      {lines.map((l) => (
        <div key={l}>{l}</div>
      ))}
    </div>
  )
}

function describe(what: string, by?: string | null, at?: string | null): string {
  return [what, by ? `by ${by}` : null, at ? formatDateTime(at) : null].filter(Boolean).join(' ')
}

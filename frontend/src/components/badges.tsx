/** Status badges: quote status, vote verdict, connection. */
import type { QuoteStatus, Verdict } from '@/api/schemas'
import { Badge } from '@/components/ui/badge'

const STATUS_VARIANT = { validated: 'success', rejected: 'danger', expired: 'warning' } as const

export function StatusBadge({ status }: { status: QuoteStatus }) {
  return <Badge variant={STATUS_VARIANT[status]}>{status}</Badge>
}

export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  if (verdict.kind === 'accept') return <Badge variant="success">accept</Badge>
  if (verdict.kind === 'abstain') return <Badge variant="secondary">abstain</Badge>
  return <Badge variant="danger">reject · {verdict.reason.replace(/_/g, ' ')}</Badge>
}

export function OnlineBadge({
  online,
  labels = ['connected', 'offline'],
}: {
  online: boolean
  labels?: [string, string]
}) {
  return (
    <Badge variant={online ? 'success' : 'secondary'}>
      <span
        className={
          online ? 'size-1.5 rounded-full bg-up' : 'size-1.5 rounded-full bg-muted-foreground'
        }
      />
      {online ? labels[0] : labels[1]}
    </Badge>
  )
}

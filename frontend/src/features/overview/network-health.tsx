/** KPI tiles: validators, quorum, decision rate, rejection rate, uptime. */
import { CheckCircle2, Gauge, ShieldAlert, Users, XCircle } from 'lucide-react'
import { useStatus } from '@/api/queries'
import { StatCard } from '@/components/stat-card'
import { ErrorState } from '@/components/states'
import { Skeleton } from '@/components/ui/skeleton'
import { useNow } from '@/hooks/use-now'
import { formatDuration } from '@/lib/format'
import { useStore } from '@/lib/store'
import { decisionRate, recentDecisions, rejectionRate } from '@/stream/live-stores'
import { statusRejectionRate, validatorHealth } from './health'

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`)

export function NetworkHealth() {
  const status = useStatus()
  const feed = useStore(recentDecisions)
  const now = useNow()
  if (status.isPending)
    return (
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-24" />
        ))}
      </div>
    )
  if (!status.data) return <ErrorState error={status.error} onRetry={() => status.refetch()} />
  const s = status.data
  const v = validatorHealth(s)
  const rate = decisionRate(feed, now)
  const liveRejection = rejectionRate(feed)
  const rejection = statusRejectionRate(s)
  return (
    <section aria-label="Network health" className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <StatCard
        label="Validators connected"
        value={`${v.connected} / ${v.total}`}
        tone={v.connected === v.total ? 'good' : v.quorumReachable ? 'warn' : 'bad'}
        icon={<Users className="size-4" />}
        hint={`${s.connected_peers.length} peers · up ${formatDuration(s.uptime_secs)}`}
      />
      <StatCard
        label="Quorum"
        value={v.quorumReachable ? 'Reachable' : 'Unreachable'}
        tone={v.quorumReachable ? 'good' : 'bad'}
        icon={
          v.quorumReachable ? <CheckCircle2 className="size-4" /> : <XCircle className="size-4" />
        }
        hint={`needs ${s.quorum_threshold} of ${v.total} validators`}
      />
      <StatCard
        label="Decisions / s"
        value={rate.toFixed(2)}
        icon={<Gauge className="size-4" />}
        hint={`live, last 30 s · ${s.decisions.validated.toLocaleString()} validated total`}
      />
      <StatCard
        label="Rejection rate"
        value={pct(rejection)}
        tone={rejection !== null && rejection > 0.1 ? 'warn' : 'default'}
        icon={<ShieldAlert className="size-4" />}
        hint={`${s.decisions.rejected} rejected · ${s.decisions.expired} expired · live ${pct(liveRejection)}`}
      />
    </section>
  )
}

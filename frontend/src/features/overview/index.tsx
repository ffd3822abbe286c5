/** Overview page: network health, validator set and the live decision feed. */
import { useStatus } from '@/api/queries'
import { PageHeader } from '@/components/page-header'
import { Badge } from '@/components/ui/badge'
import { LiveFeed } from './live-feed'
import { NetworkHealth } from './network-health'
import { ValidatorsCard } from './validators-card'

export default function OverviewPage() {
  const status = useStatus()
  return (
    <>
      <PageHeader
        title="Network overview"
        description={
          status.data ? (
            <span>
              Node <span className="num">{status.data.peer_id.slice(0, 16)}…</span>{' '}
              {status.data.is_validator ? (
                <Badge>validator</Badge>
              ) : (
                <Badge variant="secondary">follower</Badge>
              )}
            </span>
          ) : (
            'Health of the validator network and its latest decisions'
          )
        }
      />
      <div className="flex flex-col gap-4">
        <NetworkHealth />
        <div className="grid gap-4 lg:grid-cols-[1fr_22rem]">
          <LiveFeed />
          <ValidatorsCard />
        </div>
      </div>
    </>
  )
}

/** Sources page: every scraper source with its state, scores and controls. */
import { KeyRound } from 'lucide-react'
import { useState } from 'react'
import { Link } from 'react-router'
import { useSources } from '@/api/queries'
import { PageHeader } from '@/components/page-header'
import { EmptyState, QueryState } from '@/components/states'
import { Card } from '@/components/ui/card'
import { useNow } from '@/hooks/use-now'
import { useSettings } from '@/lib/settings'
import { TokenField } from '@/features/settings/token-field'
import { ScoreHistory } from './score-history'
import { SourcesTable } from './sources-table'

const DAY_MS = 24 * 3600 * 1000

export default function SourcesPage() {
  const sources = useSources()
  const { token } = useSettings()
  const now = useNow(5000)
  const [since] = useState(() => Math.floor((Date.now() - DAY_MS) / 60_000) * 60_000)
  const [picked, setPicked] = useState<string>()
  const items = sources.data?.items ?? []
  const selected = items.some((s) => s.name === picked) ? picked : items[0]?.name
  return (
    <>
      <PageHeader
        title="Sources"
        description="Scraper sources of this node, their health and reputation"
      />
      <Card className="mb-4 p-3">
        <div className="mb-2 flex items-center gap-2 text-xs text-muted-foreground">
          <KeyRound className="size-3.5" />
          {token
            ? 'Changes are sent with your saved API token.'
            : 'Pause and resume need the node’s API token.'}{' '}
          <Link to="/settings" className="underline">
            Settings
          </Link>
        </div>
        <TokenField />
      </Card>
      <Card>
        <QueryState
          query={sources}
          isEmpty={(d) => d.items.length === 0}
          empty={
            <EmptyState title="No sources configured">Add sources in the node’s config.</EmptyState>
          }
        >
          {(d) => (
            <SourcesTable
              sources={d.items}
              now={now}
              since={since}
              selected={selected}
              onSelect={setPicked}
            />
          )}
        </QueryState>
      </Card>
      {selected && (
        <ScoreHistory sources={items} selected={selected} onSelect={setPicked} since={since} />
      )}
    </>
  )
}

/** Peers: connection state, validator membership, reputation in this node's and the network's view. */
import { useState } from 'react'
import { usePeers } from '@/api/queries'
import { PageHeader } from '@/components/page-header'
import { EmptyState, QueryState } from '@/components/states'
import { Card } from '@/components/ui/card'
import { Tabs, TabsList, TabsTrigger } from '@/components/ui/tabs'
import { useNow } from '@/hooks/use-now'
import { PeersTable } from './peers-table'
import type { View } from './sort'

export default function PeersPage() {
  const peers = usePeers()
  const now = useNow(5000)
  const [view, setView] = useState<View>('local')
  const connected = peers.data?.items.filter((p) => p.connected).length
  return (
    <>
      <PageHeader
        title="Peers"
        description={
          peers.data ? `${connected} of ${peers.data.items.length} connected` : 'Known peers'
        }
        actions={
          <Tabs value={view} onValueChange={(v) => setView(v as View)}>
            <TabsList aria-label="Reputation view">
              <TabsTrigger value="local">Local view</TabsTrigger>
              <TabsTrigger value="network">Network view</TabsTrigger>
            </TabsList>
          </Tabs>
        }
      />
      <Card>
        <QueryState
          query={peers}
          isEmpty={(d) => d.items.length === 0}
          empty={<EmptyState title="No peers known yet">Peers appear once discovered.</EmptyState>}
        >
          {(d) => <PeersTable peers={d.items} view={view} now={now} />}
        </QueryState>
      </Card>
      <p className="mt-2 text-xs text-muted-foreground">
        Local: this node’s own scores. Network: the aggregate of the signed score reports of every
        validator. “differs” marks peers where the two are 20 points or more apart.
      </p>
    </>
  )
}

/** Peers: connection state, validator membership, reputation and evidence. */
import { usePeers } from '@/api/queries'
import { OnlineBadge } from '@/components/badges'
import { Hash } from '@/components/hash'
import { PageHeader } from '@/components/page-header'
import { EmptyState, QueryState } from '@/components/states'
import { Badge } from '@/components/ui/badge'
import { Card } from '@/components/ui/card'
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table'
import { useNow } from '@/hooks/use-now'
import { formatAgo, formatScore } from '@/lib/format'
import { ScoreBar } from './score-bar'

export default function PeersPage() {
  const peers = usePeers()
  const now = useNow(5000)
  const connected = peers.data?.items.filter((p) => p.connected).length
  return (
    <>
      <PageHeader
        title="Peers"
        description={
          peers.data ? `${connected} of ${peers.data.items.length} connected` : 'Known peers'
        }
      />
      <Card>
        <QueryState
          query={peers}
          isEmpty={(d) => d.items.length === 0}
          empty={<EmptyState title="No peers known yet">Peers appear once discovered.</EmptyState>}
        >
          {(d) => (
            <Table aria-label="Peers">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>Peer</TableHead>
                  <TableHead className="hidden lg:table-cell">Key</TableHead>
                  <TableHead>Role</TableHead>
                  <TableHead>State</TableHead>
                  <TableHead>Reputation</TableHead>
                  <TableHead className="hidden md:table-cell">Network view</TableHead>
                  <TableHead className="text-right">Evidence</TableHead>
                  <TableHead className="hidden text-right sm:table-cell">Last seen</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {[...d.items]
                  .sort(
                    (a, b) =>
                      Number(b.connected) - Number(a.connected) ||
                      (b.reputation ?? 0) - (a.reputation ?? 0),
                  )
                  .map((p) => (
                    <TableRow key={p.key}>
                      <TableCell>
                        <Hash value={p.peer_id} />
                      </TableCell>
                      <TableCell className="hidden lg:table-cell">
                        <Hash value={p.key} />
                      </TableCell>
                      <TableCell>
                        {p.validator ? (
                          <Badge>validator</Badge>
                        ) : (
                          <Badge variant="secondary">follower</Badge>
                        )}
                      </TableCell>
                      <TableCell>
                        <OnlineBadge online={p.connected} />
                      </TableCell>
                      <TableCell>
                        <ScoreBar value={p.reputation} />
                      </TableCell>
                      <TableCell className="num hidden text-xs md:table-cell">
                        {formatScore(p.network_reputation)}
                      </TableCell>
                      <TableCell
                        className={`num text-right ${p.evidence_count > 0 ? 'text-down' : ''}`}
                      >
                        {p.evidence_count}
                      </TableCell>
                      <TableCell className="num hidden text-right text-xs text-muted-foreground sm:table-cell">
                        {p.last_seen ? formatAgo(p.last_seen, now) : '—'}
                      </TableCell>
                    </TableRow>
                  ))}
              </TableBody>
            </Table>
          )}
        </QueryState>
      </Card>
    </>
  )
}

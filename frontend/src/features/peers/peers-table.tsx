/** The peers table: connection, role, reputation (local and network view), liveness, activity. */
import type { Peer } from '@/api/schemas'
import { OnlineBadge } from '@/components/badges'
import { Hash } from '@/components/hash'
import { Badge } from '@/components/ui/badge'
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table'
import { formatAgo, formatScore } from '@/lib/format'
import { cn } from '@/lib/utils'
import { ScoreBar } from './score-bar'
import { sortPeers, type View } from './sort'

/** Local and network scores this far apart are flagged. */
const DISAGREE = 0.2

export function PeersTable({ peers, view, now }: { peers: Peer[]; view: View; now: number }) {
  const other: View = view === 'local' ? 'network' : 'local'
  return (
    <Table aria-label="Peers">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Peer</TableHead>
          <TableHead>State</TableHead>
          <TableHead>Reputation ({view})</TableHead>
          <TableHead className="hidden md:table-cell">
            {other === 'local' ? 'Local' : 'Network'}
          </TableHead>
          <TableHead className="hidden lg:table-cell">Liveness</TableHead>
          <TableHead className="hidden text-right xl:table-cell">
            Proposals ok / rej / exp
          </TableHead>
          <TableHead className="hidden text-right xl:table-cell">Votes agreed</TableHead>
          <TableHead className="text-right">Evidence</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {sortPeers(peers, view).map((p) => {
          const main = p.reputation?.[view]
          const second = p.reputation?.[other]
          const apart =
            typeof main === 'number' &&
            typeof second === 'number' &&
            Math.abs(main - second) >= DISAGREE
          const votes = p.votes && p.votes.agreed + p.votes.disagreed
          return (
            <TableRow key={p.key} data-testid="peer-row">
              <TableCell>
                <div className="flex items-center gap-2">
                  <Hash value={p.peer_id} />
                  {p.validator ? (
                    <Badge>validator</Badge>
                  ) : (
                    <Badge variant="secondary">follower</Badge>
                  )}
                </div>
                <div className="hidden lg:block">
                  <Hash value={p.key} />
                </div>
              </TableCell>
              <TableCell>
                <OnlineBadge online={p.connected} />
                <div className="num mt-0.5 text-[11px] text-muted-foreground">
                  {p.last_seen ? `seen ${formatAgo(p.last_seen, now)}` : 'never seen'}
                </div>
              </TableCell>
              <TableCell>
                <ScoreBar value={main} label={`${view} reputation`} />
                {apart && (
                  <Badge variant="warning" className="ml-2" title="Local and network views differ">
                    differs
                  </Badge>
                )}
              </TableCell>
              <TableCell className="num hidden text-xs text-muted-foreground md:table-cell">
                {formatScore(second)}
              </TableCell>
              <TableCell className="hidden lg:table-cell">
                <ScoreBar value={p.liveness} label="liveness" />
              </TableCell>
              <TableCell className="num hidden text-right text-xs xl:table-cell">
                {p.proposals ? (
                  <>
                    <span className="text-up">{p.proposals.validated}</span> /{' '}
                    <span className={cn(p.proposals.rejected > 0 && 'text-down')}>
                      {p.proposals.rejected}
                    </span>{' '}
                    / <span className="text-muted-foreground">{p.proposals.expired}</span>
                  </>
                ) : (
                  '—'
                )}
              </TableCell>
              <TableCell className="num hidden text-right text-xs xl:table-cell">
                {p.votes && votes ? (
                  <span title={`${p.votes.agreed} agreed, ${p.votes.disagreed} disagreed`}>
                    {formatScore(p.votes.agreed / votes)}{' '}
                    <span className="text-muted-foreground">of {votes}</span>
                  </span>
                ) : (
                  '—'
                )}
              </TableCell>
              <TableCell className={cn('num text-right', p.evidence_count > 0 && 'text-down')}>
                {p.evidence_count}
              </TableCell>
            </TableRow>
          )
        })}
      </TableBody>
    </Table>
  )
}

/** Every vote on the quote: voter, verdict and the batch it came in. */
import type { Vote } from '@/api/schemas'
import { VerdictBadge } from '@/components/badges'
import { Hash } from '@/components/hash'
import { EmptyState } from '@/components/states'
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table'

export function VotesTable({ votes, certified }: { votes: Vote[]; certified: Set<string> }) {
  if (votes.length === 0) return <EmptyState title="No votes recorded" />
  return (
    <Table aria-label="Votes">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Voter</TableHead>
          <TableHead className="hidden md:table-cell">Key</TableHead>
          <TableHead>Verdict</TableHead>
          <TableHead className="text-right">Batch</TableHead>
          <TableHead className="hidden text-right sm:table-cell">In certificate</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {votes.map((v) => (
          <TableRow key={v.voter_key}>
            <TableCell>
              <Hash value={v.voter} />
            </TableCell>
            <TableCell className="hidden md:table-cell">
              <Hash value={v.voter_key} />
            </TableCell>
            <TableCell>
              <VerdictBadge verdict={v.verdict} />
            </TableCell>
            <TableCell className="num text-right">#{v.batch_seq}</TableCell>
            <TableCell className="hidden text-right text-xs sm:table-cell">
              {certified.has(v.voter_key) ? 'yes' : '—'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  )
}

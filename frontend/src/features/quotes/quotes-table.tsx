/** The live symbols table. */
import { Table, TableBody, TableHead, TableHeader, TableRow } from '@/components/ui/table'
import { QuoteRow } from './quote-row'
import type { SymbolRow } from './use-symbol-rows'

export function QuotesTable({ rows, now }: { rows: SymbolRow[]; now: number }) {
  return (
    <Table aria-label="Quotes">
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Symbol</TableHead>
          <TableHead className="text-right">Last</TableHead>
          <TableHead className="text-right">24h</TableHead>
          <TableHead className="hidden text-center lg:table-cell">Live trend</TableHead>
          <TableHead className="hidden text-right md:table-cell">Consensus ± conf.</TableHead>
          <TableHead className="text-right">Sources</TableHead>
          <TableHead className="hidden text-right sm:table-cell">Updated</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((r) => (
          <QuoteRow key={r.symbol} row={r} now={now} />
        ))}
      </TableBody>
    </Table>
  )
}

/** The network's catalogue of announced scripts, with install / trust actions. */
import { useScriptCatalogue } from '@/api/queries'
import { Hash } from '@/components/hash'
import { EmptyState, QueryState } from '@/components/states'
import { Badge } from '@/components/ui/badge'
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from '@/components/ui/table'
import { formatDateTime, formatScore } from '@/lib/format'
import { ScriptActions } from './script-actions'
import { ScriptProvenance, ScriptStatus } from './script-status'

export function CatalogueTable() {
  const catalogue = useScriptCatalogue()
  return (
    <Card>
      <CardHeader>
        <CardTitle>Catalogue</CardTitle>
        <CardDescription>Scripts announced on the network</CardDescription>
      </CardHeader>
      <QueryState
        query={catalogue}
        isEmpty={(d) => d.items.length === 0}
        empty={
          <EmptyState title="No announced scripts">
            {catalogue.data?.missing
              ? 'This node does not list the network’s scripts over the API yet.'
              : 'No peer has announced a script yet.'}
          </EmptyState>
        }
      >
        {(d) => (
          <Table aria-label="Catalogue">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Name</TableHead>
                <TableHead>Hash</TableHead>
                <TableHead className="hidden lg:table-cell">Author</TableHead>
                <TableHead className="hidden md:table-cell">Symbols</TableHead>
                <TableHead className="hidden sm:table-cell">First seen</TableHead>
                <TableHead className="text-right">Validators</TableHead>
                <TableHead className="text-right">Score</TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="text-right">Action</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {d.items.map((s) => (
                <TableRow key={s.hash}>
                  <TableCell>
                    <div className="font-medium">
                      {s.name}{' '}
                      <span className="num text-xs text-muted-foreground">v{s.version}</span>
                    </div>
                    <div
                      className="max-w-72 truncate text-xs text-muted-foreground"
                      title={s.description}
                    >
                      {s.description}
                    </div>
                  </TableCell>
                  <TableCell>
                    <Hash value={s.hash} />
                  </TableCell>
                  <TableCell className="hidden lg:table-cell">
                    {s.author ? <Hash value={s.author} /> : '—'}
                  </TableCell>
                  <TableCell className="hidden md:table-cell">
                    <span className="flex max-w-64 flex-wrap gap-1">
                      {s.symbols.map((sym) => (
                        <Badge key={sym} variant="outline">
                          {sym}
                        </Badge>
                      ))}
                    </span>
                  </TableCell>
                  <TableCell className="num hidden text-xs text-muted-foreground sm:table-cell">
                    {s.first_seen
                      ? formatDateTime(s.first_seen)
                      : s.first_seen_ms
                        ? formatDateTime(s.first_seen_ms)
                        : '—'}
                  </TableCell>
                  <TableCell className="num text-right">{s.validators_running}</TableCell>
                  <TableCell className="num text-right">{formatScore(s.source_score)}</TableCell>
                  <TableCell>
                    <div className="space-y-1">
                      <ScriptStatus installed={s.installed} trusted={s.trusted} />
                      {s.record && <ScriptProvenance record={s.record} />}
                    </div>
                  </TableCell>
                  <TableCell className="text-right">
                    <ScriptActions
                      hash={s.hash}
                      name={s.name}
                      installed={s.installed}
                      trusted={s.trusted}
                    />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </QueryState>
    </Card>
  )
}

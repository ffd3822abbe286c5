/** Scripts installed on this node: trust and shadow state, who installed / trusted them. */
import { useScripts } from '@/api/queries'
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
import { ScriptActions } from './script-actions'
import { ScriptProvenance, ScriptStatus } from './script-status'

export function InstalledTable() {
  const scripts = useScripts()
  return (
    <Card>
      <CardHeader>
        <CardTitle>Installed</CardTitle>
        <CardDescription>Scripts stored on this node</CardDescription>
      </CardHeader>
      <QueryState
        query={scripts}
        isEmpty={(d) => d.items.length === 0}
        empty={
          <EmptyState title="No scripts">
            {scripts.data?.missing
              ? 'This node does not list scripts over the API yet.'
              : 'Install one from the catalogue below or publish one with the mdnode CLI.'}
          </EmptyState>
        }
      >
        {(d) => (
          <Table aria-label="Scripts">
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead>Name</TableHead>
                <TableHead>Hash</TableHead>
                <TableHead className="hidden md:table-cell">Symbols</TableHead>
                <TableHead className="hidden lg:table-cell">Author</TableHead>
                <TableHead>Trust</TableHead>
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
                  <TableCell className="hidden md:table-cell">
                    <span className="flex max-w-64 flex-wrap gap-1">
                      {s.symbols.map((sym) => (
                        <Badge key={sym} variant="outline">
                          {sym}
                        </Badge>
                      ))}
                    </span>
                  </TableCell>
                  <TableCell className="hidden lg:table-cell">
                    {s.author ? <Hash value={s.author} /> : 'local'}
                  </TableCell>
                  <TableCell>
                    <div className="space-y-1">
                      <span className="flex items-center gap-1">
                        <ScriptStatus installed trusted={s.trusted} />
                        {s.shadow && <Badge variant="secondary">shadow</Badge>}
                      </span>
                      <ScriptProvenance record={s} />
                    </div>
                  </TableCell>
                  <TableCell className="text-right">
                    <ScriptActions hash={s.hash} name={s.name} installed trusted={s.trusted} />
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

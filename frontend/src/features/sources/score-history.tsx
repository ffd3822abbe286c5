/** The score history card of the Sources page: pick a source, see its score and quarantines. */
import type { Source } from '@/api/schemas'
import { EmptyState, ErrorState, LoadingRows } from '@/components/states'
import { Card, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Tabs, TabsList, TabsTrigger } from '@/components/ui/tabs'
import { ScoreChart } from './score-chart'
import { quarantineSpans } from './score-series'
import { useScorePoints } from './use-score-points'
import { Sparkline } from './sparkline'

/** The History cell of the sources table. */
export function SourceSparkline({ name, since }: { name: string; since: number }) {
  const { points } = useScorePoints(name, since)
  return <Sparkline points={points} label={`Score history of ${name}`} />
}

export function ScoreHistory({
  sources,
  selected,
  onSelect,
  since,
}: {
  sources: Source[]
  selected: string
  onSelect: (name: string) => void
  since: number
}) {
  const { stored, points } = useScorePoints(selected, since)
  const spans = quarantineSpans(points)
  return (
    <Card className="mt-4">
      <CardHeader className="flex-wrap">
        <div>
          <CardTitle>Score history</CardTitle>
          <CardDescription>
            last 24 h · thick: score · thin: components · shaded: quarantined
            {spans.length > 0 && ` (${spans.length}×)`}
          </CardDescription>
        </div>
        <Tabs value={selected} onValueChange={onSelect}>
          <TabsList aria-label="Source" className="flex-wrap">
            {sources.map((s) => (
              <TabsTrigger key={s.name} value={s.name}>
                {s.name}
              </TabsTrigger>
            ))}
          </TabsList>
        </Tabs>
      </CardHeader>
      <div className="p-2">
        {stored.isPending ? (
          <LoadingRows rows={5} />
        ) : stored.error ? (
          <ErrorState error={stored.error} onRetry={() => stored.refetch()} />
        ) : points.length === 0 ? (
          <EmptyState title="No score history yet">
            {stored.data?.missing
              ? 'This node does not keep score history yet; live scores appear as they arrive.'
              : 'Scores are reported once per reputation epoch.'}
          </EmptyState>
        ) : (
          <ScoreChart points={points} />
        )}
      </div>
    </Card>
  )
}

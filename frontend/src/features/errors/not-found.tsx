/** Unknown URL. */
import { Link } from 'react-router'
import { Button } from '@/components/ui/button'

export function NotFound({ what = 'page' }: { what?: string }) {
  return (
    <div className="flex flex-col items-center gap-3 py-20 text-center">
      <p className="num text-4xl font-semibold text-muted-foreground">404</p>
      <p className="text-sm">This {what} does not exist.</p>
      <Button asChild variant="outline" size="sm">
        <Link to="/">Back to the overview</Link>
      </Button>
    </div>
  )
}

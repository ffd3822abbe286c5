/** Renders the app-wide notices (errors from the central query handler, action results). */
import { CheckCircle2, X, XCircle } from 'lucide-react'
import { dismiss, notices } from '@/lib/notify'
import { useStore } from '@/lib/store'
import { cn } from '@/lib/utils'

export function Toaster() {
  const items = useStore(notices)
  return (
    <div aria-live="polite" className="fixed right-4 bottom-4 z-50 flex w-80 flex-col gap-2">
      {items.map((n) => (
        <div
          key={n.id}
          role={n.kind === 'error' ? 'alert' : 'status'}
          className={cn(
            'flex items-start gap-2 rounded-lg border bg-popover p-3 text-sm shadow-lg',
            n.kind === 'error' ? 'border-down/40' : 'border-up/40',
          )}
        >
          {n.kind === 'error' ? (
            <XCircle className="mt-0.5 size-4 shrink-0 text-down" />
          ) : (
            <CheckCircle2 className="mt-0.5 size-4 shrink-0 text-up" />
          )}
          <div className="min-w-0 flex-1">
            <p className="font-medium">{n.title}</p>
            <p className="text-xs break-words text-muted-foreground">{n.message}</p>
          </div>
          <button
            aria-label="Dismiss"
            onClick={() => dismiss(n.id)}
            className="text-muted-foreground"
          >
            <X className="size-4" />
          </button>
        </div>
      ))}
    </div>
  )
}

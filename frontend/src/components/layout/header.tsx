/** Top bar: menu (narrow screens), network id, stream state, theme toggle. */
import { Menu, X } from 'lucide-react'
import { useState } from 'react'
import { useStatus } from '@/api/queries'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { Brand, NavList } from './sidebar'
import { StreamIndicator } from './stream-indicator'
import { ThemeToggle } from './theme-toggle'

export function Header() {
  const [open, setOpen] = useState(false)
  const status = useStatus()
  return (
    <header className="sticky top-0 z-30 border-b bg-background/85 backdrop-blur">
      <div className="flex h-12 items-center gap-2 px-3 md:px-5">
        <Button
          variant="ghost"
          size="icon"
          className="md:hidden"
          aria-label={open ? 'Close menu' : 'Open menu'}
          aria-expanded={open}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? <X /> : <Menu />}
        </Button>
        <div className="md:hidden">
          <Brand />
        </div>
        <div className="ml-auto flex items-center gap-2">
          {status.data && (
            <Badge variant="outline" className="num hidden sm:inline-flex" title="Network id">
              {status.data.network_id}
            </Badge>
          )}
          <StreamIndicator />
          <ThemeToggle />
        </div>
      </div>
      {open && (
        <div className="border-t p-3 md:hidden">
          <NavList onNavigate={() => setOpen(false)} />
        </div>
      )}
    </header>
  )
}

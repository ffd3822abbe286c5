/** Navigation: a fixed sidebar on wide screens, a drop-down panel on narrow ones. */
import { NavLink } from 'react-router'
import { cn } from '@/lib/utils'
import { navItems } from './nav-items'

export function NavList({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5">
      {navItems.map(({ to, label, icon: Icon, end }) => (
        <NavLink
          key={to}
          to={to}
          end={end}
          onClick={onNavigate}
          className={({ isActive }) =>
            cn(
              'flex items-center gap-2.5 rounded-md px-2.5 py-1.5 text-sm transition-colors',
              isActive
                ? 'bg-primary/10 font-medium text-primary'
                : 'text-muted-foreground hover:bg-accent hover:text-foreground',
            )
          }
        >
          <Icon className="size-4" aria-hidden />
          {label}
        </NavLink>
      ))}
    </nav>
  )
}

export function Brand() {
  return (
    <div className="flex items-center gap-2 px-1">
      <img src="/favicon.svg" alt="" className="size-6" />
      <div className="leading-tight">
        <div className="text-sm font-semibold">mdnode</div>
        <div className="text-[10px] text-muted-foreground">P2P market data</div>
      </div>
    </div>
  )
}

export function Sidebar() {
  return (
    <aside className="sticky top-0 hidden h-svh w-52 shrink-0 flex-col gap-4 border-r bg-sidebar p-3 md:flex">
      <Brand />
      <NavList />
    </aside>
  )
}

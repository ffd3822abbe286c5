/** Page frame: sidebar, header and the routed page. */
import { Outlet } from 'react-router'
import { Toaster } from '@/components/toaster'
import { Header } from './header'
import { Sidebar } from './sidebar'

export function AppShell() {
  return (
    <div className="flex min-h-svh">
      <Sidebar />
      <div className="flex min-w-0 flex-1 flex-col">
        <Header />
        <main className="mx-auto w-full max-w-[1400px] flex-1 p-3 md:p-5">
          <Outlet />
        </main>
      </div>
      <Toaster />
    </div>
  )
}

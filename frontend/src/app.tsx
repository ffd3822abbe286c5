/** Providers around the router: the one QueryClient, the live stream, tooltips. */
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { createBrowserRouter, RouterProvider } from 'react-router'
import { createQueryClient } from '@/api/query-client'
import { TooltipProvider } from '@/components/ui/tooltip'
import { initTheme } from '@/lib/theme'
import { StreamProvider } from '@/stream/stream-provider'
import { routes } from './routes'

export function App({ client }: { client?: QueryClient }) {
  const [qc] = useState(() => client ?? createQueryClient())
  const [router] = useState(() => createBrowserRouter(routes))
  useEffect(() => initTheme(), [])
  return (
    <QueryClientProvider client={qc}>
      <StreamProvider>
        <TooltipProvider delayDuration={200}>
          <RouterProvider router={router} />
        </TooltipProvider>
      </StreamProvider>
    </QueryClientProvider>
  )
}

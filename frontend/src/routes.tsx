/** The route table; pages load lazily so the chart library is only fetched where it is used. */
import type { ComponentType } from 'react'
import type { RouteObject } from 'react-router'
import { AppShell } from '@/components/layout/app-shell'
import { LoadingRows } from '@/components/states'
import { NotFound } from '@/features/errors/not-found'
import { RouteError } from '@/features/errors/route-error'

/** A lazily loaded page module (default export is the page component). */
const page = (load: () => Promise<{ default: ComponentType }>) => async () => ({
  Component: (await load()).default,
})

export const routes: RouteObject[] = [
  {
    element: <AppShell />,
    errorElement: <RouteError />,
    hydrateFallbackElement: <LoadingRows rows={8} />,
    children: [
      { index: true, lazy: page(() => import('@/features/overview')) },
      { path: 'quotes', lazy: page(() => import('@/features/quotes')) },
      { path: 'quotes/:id', lazy: page(() => import('@/features/quote-detail')) },
      { path: 'symbols/:base/:quote', lazy: page(() => import('@/features/symbol')) },
      { path: 'peers', lazy: page(() => import('@/features/peers')) },
      { path: 'sources', lazy: page(() => import('@/features/sources')) },
      { path: 'scripts', lazy: page(() => import('@/features/scripts')) },
      { path: 'settings', lazy: page(() => import('@/features/settings')) },
      { path: '*', element: <NotFound /> },
    ],
  },
]

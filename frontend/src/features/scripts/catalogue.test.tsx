import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import { notices } from '@/lib/notify'
import { setToken } from '@/lib/settings'
import catalogue from '@/test/fixtures/scripts-available.json'
import { mockApi, renderRoute } from '@/test/render'

const KRAKEN = '2'.repeat(64)
const SHAREDX = '3'.repeat(64)

/** A catalogue item as JSON (the fixture's items differ in shape, e.g. `record: null`). */
type Item = Record<string, unknown> & { hash: string }

/** A catalogue endpoint whose items can change (as the node's would after an action). */
function liveCatalogue() {
  let items: Item[] = structuredClone(catalogue.items as Item[])
  let loads = 0
  return {
    handler: (url: URL): [number, unknown] => {
      if (url.searchParams.get('available') !== 'true') return [200, { items: [], next: null }]
      loads++
      return [200, { items, next: null }]
    },
    update: (hash: string, patch: Record<string, unknown>) => {
      items = items.map((i) => (i.hash === hash ? { ...i, ...patch } : i))
    },
    loads: () => loads,
  }
}

const catalogueTable = async () => screen.findByRole('table', { name: 'Catalogue' })

describe('scripts catalogue', () => {
  beforeEach(() => notices.set([]))

  it('lists announced scripts with status, validators, score and who installed them', async () => {
    mockApi()
    renderRoute('/scripts')
    const table = await catalogueTable()
    const rows = within(table).getAllByRole('row')
    expect(rows).toHaveLength(4) // header + 3 scripts

    const binance = within(rows[1])
    expect(binance.getByText('binance')).toBeInTheDocument()
    expect(binance.getByText('trusted')).toBeInTheDocument()
    expect(binance.getByText(/trusted by alice/)).toBeInTheDocument()
    expect(binance.getByText('97.0%')).toBeInTheDocument()
    expect(binance.queryByRole('button', { name: /Install|Trust/ })).toBeNull()

    const kraken = within(rows[2])
    expect(kraken.getByText('installed (untrusted)')).toBeInTheDocument()
    expect(kraken.getByText(/installed by carol/)).toBeInTheDocument()
    expect(kraken.getByText('—')).toBeInTheDocument() // no score yet
    expect(kraken.getByRole('button', { name: 'Trust kraken' })).toBeInTheDocument()

    const sharedx = within(rows[3])
    expect(sharedx.getByText('available')).toBeInTheDocument()
    expect(sharedx.getByText('*')).toBeInTheDocument()
    expect(sharedx.getByText('2')).toBeInTheDocument() // validators running it
    expect(sharedx.getByTitle(SHAREDX)).toBeInTheDocument() // short hash, full on hover
    expect(sharedx.getByRole('button', { name: 'Install sharedx' })).toBeInTheDocument()
  })

  it('installs a script with the bearer token and refreshes the catalogue', async () => {
    setToken('s3cret')
    const api = liveCatalogue()
    let call: { auth: string | null; by: string | null; method?: string } | null = null
    mockApi({
      '/scripts': api.handler,
      [`/scripts/${SHAREDX}/install`]: (url: URL, init?: RequestInit) => {
        call = {
          auth: new Headers(init?.headers).get('Authorization'),
          by: url.searchParams.get('by'),
          method: init?.method,
        }
        api.update(SHAREDX, { installed: true })
        return [200, { ...catalogue.items[1].record, hash: SHAREDX, name: 'sharedx' }]
      },
    })
    renderRoute('/scripts')
    const table = await catalogueTable()
    const loadsBefore = api.loads()
    await userEvent.click(within(table).getByRole('button', { name: 'Install sharedx' }))

    await waitFor(() => expect(call).toEqual({ auth: 'Bearer s3cret', by: 'ui', method: 'POST' }))
    expect(await screen.findByText('The node accepted the change.')).toBeInTheDocument()
    // The refetched catalogue now offers trust instead of install.
    expect(
      await within(await catalogueTable()).findByRole('button', { name: 'Trust sharedx' }),
    ).toBeInTheDocument()
    expect(api.loads()).toBeGreaterThan(loadsBefore)
    expect(screen.queryByRole('button', { name: 'Install sharedx' })).toBeNull()
  })

  it('trusts an installed script with the bearer token and refreshes the catalogue', async () => {
    setToken('t0ken')
    const api = liveCatalogue()
    let auth: string | null = null
    mockApi({
      '/scripts': api.handler,
      [`/scripts/${KRAKEN}/trust`]: (_url: URL, init?: RequestInit) => {
        auth = new Headers(init?.headers).get('Authorization')
        api.update(KRAKEN, { trusted: true })
        return [200, { ...catalogue.items[1].record, trusted: true, trusted_by: 'ui' }]
      },
    })
    renderRoute('/scripts')
    await userEvent.click(
      within(await catalogueTable()).getByRole('button', { name: 'Trust kraken' }),
    )

    await waitFor(() => expect(auth).toBe('Bearer t0ken'))
    expect(await screen.findByText('The node accepted the change.')).toBeInTheDocument()
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Trust kraken' })).toBeNull())
    const kraken = within(within(await catalogueTable()).getAllByRole('row')[2])
    expect(kraken.getByText('trusted')).toBeInTheDocument()
  })

  it('shows a rejected token as an error notice', async () => {
    setToken('')
    mockApi({
      [`/scripts/${SHAREDX}/install`]: () => [
        401,
        { error: { code: 'unauthorized', message: 'missing token' } },
      ],
    })
    renderRoute('/scripts')
    await userEvent.click(
      within(await catalogueTable()).getByRole('button', { name: 'Install sharedx' }),
    )
    expect(
      await screen.findByText(/missing token — set the API token in Settings/),
    ).toBeInTheDocument()
    expect(screen.getByText('Action failed')).toBeInTheDocument()
    // Nothing changed: the script is still offered for install.
    expect(screen.getByRole('button', { name: 'Install sharedx' })).toBeEnabled()
  })

  it('shows the node’s error when no peer delivers the script', async () => {
    setToken('s3cret')
    mockApi({
      [`/scripts/${SHAREDX}/install`]: () => [
        502,
        { error: { code: 'script_unavailable', message: 'no peer delivered the script body' } },
      ],
    })
    renderRoute('/scripts')
    await userEvent.click(
      within(await catalogueTable()).getByRole('button', { name: 'Install sharedx' }),
    )
    const notice = await screen.findByRole('alert')
    expect(notice).toHaveTextContent('no peer delivered the script body')
  })

  it('shows a failed catalogue load in place with a retry', async () => {
    mockApi({
      '/scripts': (url: URL) =>
        url.searchParams.get('available') === 'true'
          ? [500, { error: { code: 'internal', message: 'catalogue broke' } }]
          : [200, { items: [], next: null }],
    })
    renderRoute('/scripts')
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('catalogue broke')
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeInTheDocument()
    expect(screen.getByText('No scripts')).toBeInTheDocument() // installed list is empty
  })

  it('explains an empty catalogue', async () => {
    mockApi({ '/scripts': () => [200, { items: [], next: null }] })
    renderRoute('/scripts')
    expect(await screen.findByText('No announced scripts')).toBeInTheDocument()
    expect(screen.getByText('No peer has announced a script yet.')).toBeInTheDocument()
  })
})

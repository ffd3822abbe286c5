import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { setToken } from '@/lib/settings'
import { mockApi, renderRoute } from '@/test/render'

describe('sources page', () => {
  it('shows state and scores of each source', async () => {
    mockApi()
    renderRoute('/sources')
    expect(await screen.findByRole('table', { name: 'Sources' })).toBeInTheDocument()
    expect(screen.getByText('97.0%')).toBeInTheDocument()
    expect(screen.getByText('paused')).toBeInTheDocument()
    expect(screen.getByText('shadow')).toBeInTheDocument()
    // binance's splay offset after its cron time; kraken is paused, so it has no next run.
    expect(screen.getByText('*/2 * * * * * +412 ms')).toBeInTheDocument()
    expect(screen.getAllByText(/^next (in \d+[smh]|now)$/)).toHaveLength(1)
  })

  it('pauses a source with the saved bearer token', async () => {
    setToken('s3cret')
    let auth: string | null = null
    mockApi({
      '/sources/binance/pause': (_url: URL, init?: RequestInit) => {
        auth = new Headers(init?.headers).get('Authorization')
        return [200, { ok: true }]
      },
    })
    renderRoute('/sources')
    await userEvent.click(await screen.findByRole('button', { name: 'Pause binance' }))
    await waitFor(() => expect(auth).toBe('Bearer s3cret'))
    expect(await screen.findByText('The node accepted the change.')).toBeInTheDocument()
  })

  it('reports a rejected token in a notice', async () => {
    setToken('')
    mockApi({
      '/sources/kraken/resume': () => [
        401,
        { error: { code: 'unauthorized', message: 'missing token' } },
      ],
    })
    renderRoute('/sources')
    await userEvent.click(await screen.findByRole('button', { name: 'Resume kraken' }))
    expect(
      await screen.findByText(/missing token — set the API token in Settings/),
    ).toBeInTheDocument()
  })

  it('saves the token typed into the settings field', async () => {
    setToken('')
    mockApi()
    renderRoute('/sources')
    await userEvent.type(await screen.findByLabelText('API token'), 'abc')
    await userEvent.click(screen.getByRole('button', { name: 'Save token' }))
    expect(localStorage.getItem('mdnode.token')).toBe('abc')
  })
})

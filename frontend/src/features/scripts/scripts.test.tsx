import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { mockApi, renderRoute } from '@/test/render'

describe('scripts page', () => {
  it('lists the node’s scripts', async () => {
    mockApi()
    renderRoute('/scripts')
    expect(await screen.findByRole('table', { name: 'Scripts' })).toBeInTheDocument()
    expect(screen.getAllByRole('row').length).toBeGreaterThan(1)
  })

  it('explains an empty list when the node has no scripts endpoint yet', async () => {
    mockApi({ '/scripts': () => [404, { error: { code: 'not_found', message: 'no route' } }] })
    renderRoute('/scripts')
    expect(await screen.findByText('No scripts')).toBeInTheDocument()
    expect(screen.getByText(/does not list scripts over the API yet/)).toBeInTheDocument()
    expect(screen.queryByRole('alert')).toBeNull()
  })
})

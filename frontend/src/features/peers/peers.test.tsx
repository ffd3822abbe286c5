import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import peers from '@/test/fixtures/peers.json'
import { mockApi, renderRoute } from '@/test/render'

describe('peers page', () => {
  it('shows local reputation first and switches to the network view', async () => {
    mockApi()
    renderRoute('/peers')
    const table = await screen.findByRole('table', { name: 'Peers' })
    expect(within(table).getByRole('columnheader', { name: 'Reputation (local)' })).toBeVisible()
    const rows = () => screen.getAllByTestId('peer-row')
    expect(within(rows()[1]).getByRole('meter', { name: 'local reputation' })).toHaveAttribute(
      'aria-valuenow',
      '0.41',
    )
    // 0.41 locally against 0.75 in the network: flagged.
    expect(within(rows()[1]).getByText('differs')).toBeInTheDocument()
    expect(within(rows()[0]).queryByText('differs')).toBeNull()
    expect(within(rows()[0]).getByText('120')).toBeInTheDocument()
    expect(within(rows()[0]).getByText('99.0%')).toBeInTheDocument() // votes agreed 400 / 404

    await userEvent.click(screen.getByRole('tab', { name: 'Network view' }))
    expect(within(table).getByRole('columnheader', { name: 'Reputation (network)' })).toBeVisible()
    expect(within(rows()[1]).getByRole('meter', { name: 'network reputation' })).toHaveAttribute(
      'aria-valuenow',
      '0.75',
    )
  })

  it('works with nodes that report no or a bare-number reputation', async () => {
    const [a, b] = peers.items
    const bare = {
      key: b.key,
      peer_id: b.peer_id,
      validator: b.validator,
      connected: b.connected,
      last_seen: b.last_seen,
      evidence_count: b.evidence_count,
    }
    mockApi({ '/peers': { items: [{ ...a, reputation: 0.5 }, bare], next: null } })
    renderRoute('/peers')
    const rows = await screen.findAllByTestId('peer-row')
    expect(within(rows[0]).getByRole('meter', { name: 'local reputation' })).toHaveAttribute(
      'aria-valuenow',
      '0.5',
    )
    expect(within(rows[1]).queryByRole('meter')).toBeNull()
  })
})

import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { mockApi, renderRoute } from '@/test/render'
import detail from '@/test/fixtures/quote-detail.json'

const path = `/quotes/${detail.id}`
const flip = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0')

describe('quote detail page', () => {
  it('shows provenance, every vote and a valid certificate', async () => {
    mockApi()
    renderRoute(path)
    expect(await screen.findByTestId('cert-status')).toHaveTextContent('valid')
    expect(screen.getByRole('heading', { name: /BTC\/USD/ })).toBeInTheDocument()
    expect(screen.getByText('Raw-response hash')).toBeInTheDocument()
    const votes = screen.getByRole('table', { name: 'Votes' })
    expect(within(votes).getAllByRole('row')).toHaveLength(1 + detail.votes.length)
    expect(within(votes).getByText(/reject · out of band/)).toBeInTheDocument()
    const checks = screen.getByRole('list', { name: 'Certificate checks' })
    expect(within(checks).getAllByLabelText('passed')).toHaveLength(8)
  })

  it('marks a certificate with a bad signature invalid and names the failed check', async () => {
    const tampered = structuredClone(detail)
    tampered.certificate.entries[1].signature = flip(tampered.certificate.entries[1].signature)
    mockApi({ [`/quotes/${detail.id}`]: tampered })
    renderRoute(path)
    expect(await screen.findByTestId('cert-status')).toHaveTextContent('invalid')
    const failed = screen.getAllByLabelText('failed')
    expect(failed).toHaveLength(1)
    expect(screen.getByText('Ed25519 signatures are valid')).toHaveClass('text-down')
  })

  it('marks a quote whose displayed price differs from its bytes invalid', async () => {
    mockApi({ [`/quotes/${detail.id}`]: { ...detail, price: '1.00' } })
    renderRoute(path)
    expect(await screen.findByTestId('cert-status')).toHaveTextContent('invalid')
    expect(screen.getByText(/price shown as 1, bytes say 65123.45/)).toBeInTheDocument()
  })

  it('shows not found for an unknown id and for a malformed one', async () => {
    mockApi()
    renderRoute(`/quotes/${'0'.repeat(64)}`)
    expect(await screen.findByText('This quote does not exist.')).toBeInTheDocument()
  })

  it('rejects a malformed id without asking the API', async () => {
    const fetchMock = mockApi()
    renderRoute('/quotes/not-a-hash')
    expect(await screen.findByText('This quote does not exist.')).toBeInTheDocument()
    expect(fetchMock.mock.calls.some(([u]) => String(u).includes('/quotes/not-a-hash'))).toBe(false)
  })
})

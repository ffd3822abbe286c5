import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { setTheme } from '@/lib/theme'
import { mockApi, renderRoute } from '@/test/render'

describe('theme toggle', () => {
  it('switches the dark class on <html> and remembers the choice', async () => {
    setTheme('light')
    mockApi()
    renderRoute('/')
    const toggle = await screen.findByRole('button', { name: 'Toggle theme' })
    expect(document.documentElement).not.toHaveClass('dark')
    await userEvent.click(toggle)
    expect(document.documentElement).toHaveClass('dark')
    expect(localStorage.getItem('mdnode.theme')).toBe('dark')
    await userEvent.click(toggle)
    expect(document.documentElement).not.toHaveClass('dark')
    expect(localStorage.getItem('mdnode.theme')).toBe('light')
  })
})

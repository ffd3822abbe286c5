/** Vitest setup: DOM matchers, cleanup, and browser APIs jsdom lacks. */
import '@testing-library/jest-dom/vitest'
import { cleanup, configure } from '@testing-library/react'
import { afterEach, vi } from 'vitest'
import { fakeLightweightCharts } from './chart-mock'

// jsdom has no canvas: every test gets the recording stand-in for the chart library.
vi.mock('lightweight-charts', () => fakeLightweightCharts())

// Pages load lazily and verify signatures; give async queries room on a busy machine.
configure({ asyncUtilTimeout: 5000 })

afterEach(() => {
  cleanup()
  localStorage.clear()
})

if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList
}

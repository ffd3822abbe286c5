/** Operator settings kept in localStorage: the API bearer token for change requests. */
import { createStore, useStore } from './store'

const TOKEN_KEY = 'mdnode.token'

function read(key: string): string {
  try {
    return localStorage.getItem(key) ?? ''
  } catch {
    return ''
  }
}

const tokenStore = createStore(read(TOKEN_KEY))

/** Saves (or, when empty, forgets) the bearer token. */
export function setToken(token: string) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token)
    else localStorage.removeItem(TOKEN_KEY)
  } catch {
    /* storage unavailable: keep it for this session only */
  }
  tokenStore.set(token)
}

/** The current settings. */
export function useSettings() {
  return { token: useStore(tokenStore) }
}

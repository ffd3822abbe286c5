/** The live stream's connection state, shared through React context. */
import { createContext, useContext } from 'react'
import { createStore, useStore, type Store } from '@/lib/store'
import type { StreamStatus } from './connection'

export const StreamStatusContext = createContext<Store<StreamStatus>>(
  createStore<StreamStatus>('closed'),
)

/** The live stream's connection state. */
export function useStreamStatus(): StreamStatus {
  return useStore(useContext(StreamStatusContext))
}

/** All API schemas. */
export * from './common'
export * from './quotes'
export * from './network'
export * from './stream'

/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'

const node = process.env.MDNODE_URL ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    proxy: {
      '/api/v1/stream': { target: node.replace(/^http/, 'ws'), ws: true, changeOrigin: true },
      '/api': { target: node, changeOrigin: true },
      '/health': { target: node, changeOrigin: true },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    css: false,
    // Pages load lazily and certificates verify in jsdom: slow on a busy 2-core CI machine.
    testTimeout: 20_000,
  },
})

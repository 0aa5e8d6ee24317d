import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The runtime UI, served by the platform at `/` (server/src/http/static-apps.ts).
 * `npm run dev` proxies the API to a platform started with `npm start` (PORT 3000).
 */
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: { '/api': process.env.METACRM_API_URL ?? 'http://127.0.0.1:3000' },
  },
});

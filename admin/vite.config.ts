// The admin app's bundle: served by the service at /admin (src/http/admin-app.ts), hashed assets under /admin/assets.
// scripts/build-admin.js runs it with admin/ as the root.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});

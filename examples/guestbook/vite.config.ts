import { defineConfig } from 'vite';
import jitar from 'jitar/vite';

// The page is built into dist/web, which the standalone (or the repository) serves as assets.
export default defineConfig({
    plugins: [jitar()],
    build: { outDir: 'dist/web', emptyOutDir: true }
});

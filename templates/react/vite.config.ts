import { defineConfig } from 'vite';
import jitar from 'jitar/vite';

// Vite compiles the JSX itself; the page is built into dist/web, which the standalone serves.
export default defineConfig({
    plugins: [jitar()],
    build: { outDir: 'dist/web', emptyOutDir: true }
});

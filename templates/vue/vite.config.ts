import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import jitar from 'jitar/vite';

// The page is built into dist/web, which the standalone serves.
export default defineConfig({
    plugins: [vue(), jitar()],
    build: { outDir: 'dist/web', emptyOutDir: true }
});

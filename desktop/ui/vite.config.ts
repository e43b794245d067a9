// vitest/config is vite's defineConfig plus the `test` block.
import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { fileURLToPath } from "node:url";

// The fonts live once in the repository's assets/ (the PDFs embed the same files), so the dev
// server must be allowed to serve from there as well as from this folder.
const assets = fileURLToPath(new URL("../../assets", import.meta.url));

export default defineConfig({
  plugins: [svelte()],
  resolve: { alias: { $lib: fileURLToPath(new URL("./src/lib", import.meta.url)) } },
  // Relative URLs: Tauri serves dist/ from its own origin (tauri://localhost, http://tauri.localhost).
  base: "./",
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    fs: { allow: [".", assets] },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK on the oldest supported distributions is roughly Safari 15.
    target: "safari15",
    sourcemap: false,
    // pdf.js is one big chunk by nature; it is loaded only by the views that show PDFs.
    chunkSizeWarningLimit: 1500,
  },
  test: {
    include: ["src/**/*.test.ts"],
  },
  // Component tests mount real components: resolve Svelte's client build, not the server one.
  ...(process.env.VITEST ? { resolve: { conditions: ["browser"], alias: { $lib: fileURLToPath(new URL("./src/lib", import.meta.url)) } } } : {}),
});

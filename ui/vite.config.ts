// Builds the window's UI into ui/dist, which the Tauri binary embeds. Everything is served by the
// app itself (tauri://), so the output has no remote URLs and no inline scripts (the CSP forbids both).
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
    // Inline data: URLs for small assets would still be allowed by the CSP, but keeping every asset
    // a file makes the CSP easy to reason about.
    assetsInlineLimit: 0,
    // A polyfill Vite would inject inline; WebKitGTK supports modulepreload natively.
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});

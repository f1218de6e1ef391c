// End-to-end tests drive the real app window through tauri-driver; they run one after another
// (one window, one vault) and wait for real KDF work, hence the long timeouts.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    sequence: { concurrent: false },
    reporters: ["verbose"],
    // Later steps build on earlier ones: after the first failure the rest only repeat it.
    bail: 1,
  },
});

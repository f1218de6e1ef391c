// End-to-end tests drive the real app window through tauri-driver; they run one after another
// (one window, one vault). Every step waits for what the app acknowledged, each wait guarded by
// TIMEOUT in e2e/webdriver.ts (2 minutes) against a hang. A whole test is many such steps (real
// KDF work, launching the app, bundles), on a busy 2-core machine several minutes: the limits
// below only stop a test that hangs, and leave each wait's own guard to say where.
import { defineConfig } from "vitest/config";

const MINUTE = 60_000;

export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    environment: "node",
    testTimeout: 15 * MINUTE,
    // Launching (driver, WebKit, the app) and quitting, which waits until they have all ended.
    hookTimeout: 10 * MINUTE,
    teardownTimeout: 10 * MINUTE,
    fileParallelism: false,
    sequence: { concurrent: false },
    reporters: ["verbose"],
    // Later steps build on earlier ones: after the first failure the rest only repeat it.
    bail: 1,
  },
});

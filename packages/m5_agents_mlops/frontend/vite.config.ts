// Vite builds the UI straight into the Python package, so a wheel (or a fresh clone without
// Node) serves it: FastAPI mounts static/ at "/" and its assets/ at "/assets/".
// File names carry content hashes, which are deterministic: the same sources and lock file give
// the same bytes, which is what tests/contracts/test_frontend_build.py checks.
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

export default defineConfig({
  base: "/",
  plugins: [react()],
  build: {
    outDir: "../src/m5_agents_mlops/contracts/static",
    emptyOutDir: true,
  },
  server: {
    // `npm run dev` on :5173 talks to `contract-qa` on its default port 8010 (same-origin paths).
    proxy: { "/api": "http://127.0.0.1:8010" },
  },
});

#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ and bundled into one file by `npm run build` (run on `prepare`;
// scripts/bundle-cli.js says why).
import { main } from "../dist/bundle/cli.js";

process.exitCode = await main(process.argv.slice(2));

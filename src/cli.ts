#!/usr/bin/env node
// The attack-cov command: src/program.ts run from the bundle `npm run build` makes, through V8's code cache
// (src/launch.cts says how and why), and its exit code set.
import { createRequire } from 'node:module';

const { launch } = createRequire(import.meta.url)('./launch.cjs') as typeof import('./launch.cjs');
process.exitCode = await launch().runProcess(process.argv);

#!/usr/bin/env node
// Entry of the `tao` binary: load the compiled program only; nothing heavy before argv is parsed.
import { main } from '../dist/cli/main.js';

await main(process.argv);

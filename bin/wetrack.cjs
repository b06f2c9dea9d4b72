#!/usr/bin/env node
'use strict';
// `npx wetrack plan check|types|doc|diff`: the code is plan/cli.ts, built into dist/cli.cjs by npm run build.
process.exitCode = require('../dist/cli.cjs').main(process.argv.slice(2));

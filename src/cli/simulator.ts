#!/usr/bin/env node
console.error('kucoin-wsapi-sim: the simulator is not built yet');
process.exit(1);

/**
 * How tests run a TypeScript entry point: `spawnSync(process.execPath, [...TSX, script, ...args])`
 * is what `npx tsx script` runs, without npx and tsx's own CLI process in front of it (two node
 * processes fewer, about a second per call on a 2-core machine). The docs still say `npx tsx`,
 * and the docs test runs it so.
 */
export const TSX = ['--import', 'tsx'] as const;

/** The CLI entry the stack targets run: `platform <command> <stack>`. */
export const SYNTH_ENTRY = 'tools/cli/bin/platform.mts';

/** Set to any value: an internal error prints its stack, at TypeScript positions. */
export const DEBUG_VARIABLE = 'PLATFORM_DEBUG';

/**
 * Keeps Node's source maps only where a stack trace is wanted: with PLATFORM_DEBUG, or when
 * asked for with --enable-source-maps (on the command line or in NODE_OPTIONS). tsx turns them
 * on in every process it starts, and Node then reads and parses the map of every module it
 * loads afterwards, node_modules included (cdktf and the provider bindings ship theirs): about
 * an eighth of a one-stack synth's CPU. Modules loaded before the call keep their maps.
 * Returns whether source maps stay on.
 */
export function sourceMapsOnlyForDebugging(env: NodeJS.ProcessEnv = process.env, execArgv: readonly string[] = process.execArgv): boolean {
  const asked = Boolean(env[DEBUG_VARIABLE]) || execArgv.includes('--enable-source-maps') || /(^|\s)--enable-source-maps(\s|$)/.test(env.NODE_OPTIONS ?? '');
  if (!asked) process.setSourceMapsEnabled(false);
  return asked;
}

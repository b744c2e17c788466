/**
 * The AWS SDK warns on Node 20 that its releases after January 2027 will need Node 22. The
 * version package-lock.json pins supports Node 20.19, as this repository does (`engines`): the
 * warning is about an upgrade not made, yet it reads as a fault to whoever runs a command. Call
 * before making a client; setting the variable yourself (to anything) keeps your choice.
 */
export function quietAwsSdkNodeVersionWarning(env: NodeJS.ProcessEnv = process.env): void {
  env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}

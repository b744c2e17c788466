import type { Command } from 'commander';

export function registerSigningKey(program: Command): void {
  const signingKey = program.command('signing-key').description('The Ed25519 keys that sign artifact manifests and deploy records (environments/signing-keys.yaml).');
  signingKey
    .command('create')
    .description('Create a key pair: the private key goes to a new file (mode 600; store it as the CI secret PLATFORM_SIGNING_KEY, then delete the file), the entry to commit in environments/signing-keys.yaml is printed.')
    .requiredOption('--id <id>', 'the key id, e.g. ci-2026-12')
    .requiredOption('--out <file>', 'where to write the private key (refused if it exists)')
    .action(async (options: { id: string; out: string }) => {
      const [{ generateSigningKey, SIGNING_KEYS_FILE }, { UsageError }, { writeFileSync }] = await Promise.all([import('@platform/delivery'), import('@platform/workspace'), import('node:fs')]);
      if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(options.id)) throw new UsageError(`--id '${options.id}' must be 1-63 lowercase letters, digits, dots, _ or -`);
      const { privateKeyPem, publicKey } = generateSigningKey();
      try {
        writeFileSync(options.out, privateKeyPem, { flag: 'wx', mode: 0o600 });
      } catch (error) {
        throw new UsageError(`--out ${options.out}: cannot create it (${(error as Error).message}); a key file is never overwritten`, { cause: error });
      }
      console.error(`private key written to ${options.out}; add this entry under 'keys:' in ${SIGNING_KEYS_FILE} and commit it:`);
      console.log(`  - id: ${options.id}\n    publicKey: ${publicKey}`);
    });
}

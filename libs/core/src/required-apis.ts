import { Fn, Op, type IResolvable, type TerraformResource } from 'cdktf';

/**
 * Makes `resource` check, when planned, that the project enables every API in `apis`: the
 * project-baseline stack enables them and publishes the list (`enabledServices`). A stack that
 * would otherwise fail at apply with "API has not been used in project" fails at plan, naming the
 * API and where it is enabled.
 */
export function requireEnabledApis(resource: TerraformResource, enabledServices: string[], apis: readonly string[]): void {
  if (apis.length === 0) throw new Error('requireEnabledApis: name at least one API');
  for (const api of apis) {
    if (!/^[a-z][a-z0-9-]*\.googleapis\.com$/.test(api)) throw new Error(`requireEnabledApis: '${api}' is not an API name such as compute.googleapis.com`);
  }
  const checks = apis.map((api) => Fn.contains(enabledServices, api) as IResolvable);
  const condition = checks.slice(1).reduce<IResolvable>((all, check) => Op.and(all, check), checks[0]!);
  resource.addOverride('lifecycle.precondition', [
    {
      condition,
      error_message: `The project must enable ${apis.join(', ')} first: add them to SERVICES in stacks/project-baseline/src/index.ts and apply project-baseline.`,
    },
  ]);
}

/** Options of the `stack` generator (see schema.json). */
export interface StackGeneratorSchema {
  /** Folder under stacks/, project name and state key: kebab-case, 3-32 characters. */
  name: string;
  /** One line for package.json, the stack definition and the README. @default 'A new stack.' */
  description?: string;
  /** Stacks whose contracts the stack reads, as an array or a comma-separated list. @default ['security'] */
  upstream?: readonly string[] | string;
  /** Layer tag (`layer:<layer>` in package.json nx.tags). @default 'service' */
  layer?: 'foundation' | 'macro' | 'platform' | 'service' | 'data';
}

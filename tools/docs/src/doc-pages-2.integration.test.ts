import { describeDocPagesAsWritten } from './doc-pages-as-written';

// The pages of shard 2 (docPageShards in doc-commands.ts), in a clean copy of their own; Vitest
// runs this file beside the other doc-pages files.
describeDocPagesAsWritten(2);

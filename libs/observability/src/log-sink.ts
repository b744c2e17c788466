import { LoggingProjectSink } from '@cdktf/provider-google/lib/logging-project-sink';
import { Construct } from 'constructs';
import { LogBucket } from './log-bucket';
import { isKnown, Problems } from './validation';

/** Filter of Cloud Audit Logs (admin activity, data access, system event, policy denied). */
export const AUDIT_LOGS_FILTER = 'logName:"cloudaudit.googleapis.com"';

const DESTINATION = /^(logging|storage|bigquery|pubsub)\.googleapis\.com\/\S+$/;

/** A filter of log entries a sink leaves out. */
export interface LogExclusion {
  /** Logging filter of the entries to leave out, e.g. `severity < WARNING` or `sample(insertId, 0.9)`. */
  readonly filter: string;
  /**
   * Description of the exclusion.
   * @default - none
   */
  readonly description?: string;
  /**
   * Keeps the exclusion but stops applying it.
   * @default false
   */
  readonly disabled?: boolean;
}

/** Props of a {@link LogSink}. */
export interface LogSinkProps {
  /** Sink name, unique in the project (1-100 letters, digits, `_`, `-`, `.`). */
  readonly name: string;
  /**
   * Where entries go: a {@link LogBucket}, or a destination such as
   * `logging.googleapis.com/projects/<p>/locations/<l>/buckets/<id>`.
   */
  readonly destination: LogBucket | string;
  /**
   * Logging filter of the entries to route, e.g. {@link AUDIT_LOGS_FILTER}.
   * @default - every log entry of the project
   */
  readonly filter?: string;
  /**
   * Entries the sink leaves out, by stable name (the exclusion's name in GCP).
   * @default {} - no exclusions
   */
  readonly exclusions?: Readonly<Record<string, LogExclusion>>;
  /**
   * Writes with a service account of its own (`writerIdentity`) rather than the shared
   * `cloud-logs@system.gserviceaccount.com`, so access can be granted to this sink alone.
   * A log bucket in the sink's own project needs no grant; any other destination does.
   * @default true
   */
  readonly uniqueWriterIdentity?: boolean;
  /**
   * Description of the sink.
   * @default - none
   */
  readonly description?: string;
  /**
   * Project the sink routes from.
   * @default - the provider's project
   */
  readonly project?: string;
}

/** A project log sink: routes the project's log entries that match a filter to a destination. */
export class LogSink extends Construct {
  /** The `google_logging_project_sink` (construct id `default`). */
  readonly sink: LoggingProjectSink;

  constructor(scope: Construct, id: string, props: LogSinkProps) {
    super(scope, id);
    validateLogSinkProps(props).throwIfAny(this);

    const destination = props.destination instanceof LogBucket ? props.destination.destination : props.destination;
    this.sink = new LoggingProjectSink(this, 'default', {
      name: props.name,
      project: props.project,
      destination,
      filter: props.filter,
      description: props.description,
      uniqueWriterIdentity: props.uniqueWriterIdentity ?? true,
      // Sorted by name: reordering the map changes nothing in the plan.
      exclusions: Object.entries(props.exclusions ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, exclusion]) => ({
          name,
          filter: exclusion.filter,
          description: exclusion.description,
          disabled: exclusion.disabled ?? false,
        })),
    });
  }

  /** The sink's id, `projects/<p>/sinks/<name>`. */
  get id(): string {
    return this.sink.id;
  }

  /** The identity the sink writes as (`serviceAccount:...`): grant it access to destinations in other projects. */
  get writerIdentity(): string {
    return this.sink.writerIdentity;
  }
}

function validateLogSinkProps(props: LogSinkProps): Problems {
  const problems = new Problems();
  problems.loggingId('name', props.name);
  if (props.destination === undefined || props.destination === null) {
    problems.add('destination is required');
  } else if (!(props.destination instanceof LogBucket) && isKnown(props.destination) && !DESTINATION.test(props.destination)) {
    problems.add(
      `destination '${props.destination}' is not a sink destination; use a LogBucket or e.g. 'logging.googleapis.com/projects/<p>/locations/<l>/buckets/<id>'`,
    );
  }
  if (props.filter !== undefined) problems.text('filter', props.filter, 20_000);
  for (const [name, exclusion] of Object.entries(props.exclusions ?? {})) {
    problems.loggingId(`exclusion '${name}' name`, name);
    problems.text(`exclusion '${name}' filter`, exclusion.filter, 20_000);
  }
  return problems;
}

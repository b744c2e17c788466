import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { Construct } from 'constructs';
import { isKnown, Problems } from './validation';

/** A plain email address: one `@`, no spaces, a dotted domain. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Props of a {@link NotificationChannel}. */
export interface NotificationChannelProps {
  /** Address that receives alerts, e.g. a team list `ops@example.com` (not a person). */
  readonly email: string;
  /**
   * Name shown in Cloud Monitoring (at most 512 characters).
   * @default - `Email <email>`
   */
  readonly displayName?: string;
  /**
   * Description of the channel.
   * @default - none
   */
  readonly description?: string;
  /**
   * Whether notifications are delivered; turn off to pause a channel without editing every policy.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Labels on the channel (GCP label rules).
   * @default - none
   */
  readonly userLabels?: Readonly<Record<string, string>>;
  /**
   * Project that owns the channel.
   * @default - the provider's project
   */
  readonly project?: string;
}

/**
 * A Cloud Monitoring email notification channel, for alert policies and budgets. Deleting it fails
 * while a policy still names it, so a policy is never left silently without its channel.
 */
export class NotificationChannel extends Construct {
  /** The `google_monitoring_notification_channel` (construct id `default`). */
  readonly channel: MonitoringNotificationChannel;

  constructor(scope: Construct, id: string, props: NotificationChannelProps) {
    super(scope, id);
    const problems = new Problems();
    if (problems.required('email', props.email) && !EMAIL.test(props.email)) {
      problems.add(`email '${props.email}' is not an email address such as 'ops@example.com'`);
    }
    if (props.displayName !== undefined) problems.text('displayName', props.displayName, 512);
    if (props.description !== undefined) problems.text('description', props.description, 1024);
    problems.labels('userLabels', props.userLabels);
    problems.throwIfAny(this);

    this.channel = new MonitoringNotificationChannel(this, 'default', {
      type: 'email',
      displayName: props.displayName ?? (isKnown(props.email) ? `Email ${props.email}` : 'Email'),
      description: props.description,
      labels: { email_address: props.email },
      enabled: props.enabled ?? true,
      forceDelete: false,
      userLabels: props.userLabels === undefined ? undefined : { ...props.userLabels },
      project: props.project,
    });
  }

  /** The channel's id, `projects/<p>/notificationChannels/<id>`: what policies and budgets take. */
  get id(): string {
    return this.channel.name;
  }
}

import { Fn, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EnvironmentNetwork, NetworkSettings } from '../constructs/network/environment-network';
import { LogsEncryptionKey } from '../constructs/security/logs-encryption-key';

/** The construct id of the environment's network in its stack. */
export const NETWORK_CONSTRUCT_ID = 'Network';

/** Props of {@link NetworkStack}. */
export interface NetworkStackProps extends StackProps {
  /** The VPC's shape. */
  readonly network: NetworkSettings;
  /** Retention of the flow log group. */
  readonly logRetention: logs.RetentionDays;
  /** What happens to the flow log group and the logs key when they leave the app. */
  readonly removalPolicy: RemovalPolicy;
}

/** The environment's one network, which every other stack of the environment uses. */
export class NetworkStack extends Stack {
  /** The VPC, its private subnets and the placement subnet. */
  public readonly network: EnvironmentNetwork;
  /** The customer managed key of the stack's log group (the flow logs). */
  public readonly logsKey: kms.IKey;
  private readonly azCount: number;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    this.azCount = props.network.maxAzs;
    this.logsKey = new LogsEncryptionKey(this, 'LogsKey', { removalPolicy: props.removalPolicy }).key;
    this.network = new EnvironmentNetwork(this, NETWORK_CONSTRUCT_ID, {
      ...props.network,
      flowLogRetention: props.logRetention,
      flowLogEncryptionKey: this.logsKey,
      removalPolicy: props.removalPolicy,
    });
  }

  /**
   * The region's first `maxAzs` zones, resolved at deploy time: CDK's own list is 2 zones in an
   * environment-agnostic stack and a credentials-bound lookup otherwise, and the synth must give
   * every environment the zones its config asks for, offline.
   */
  get availabilityZones(): string[] {
    return Array.from({ length: this.azCount }, (_, n) => Fn.select(n, Fn.getAzs()));
  }
}

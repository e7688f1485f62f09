import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';

/** Where a training run goes: the on-demand placement-group cluster or the spot fleet (`npm run train -- start --on ...`). */
export type TrainingTarget = 'cluster' | 'spot';

/**
 * GPU capacity a training runtime binds to (`TrainingRuntime.bind(capacity)`): its instances'
 * boot script, their role (`IGrantable`) and security group (`IConnectable`), and which target
 * of `npm run train` it is.
 */
export interface ITrainingCapacity extends iam.IGrantable, ec2.IConnectable {
  /** The target name runs are started on: the instances run the active run of this target. */
  readonly trainingTarget: TrainingTarget;
  /** The instances' boot script: software binding to the capacity appends its commands. */
  readonly userData: ec2.UserData;
  /** The instance role, as a grantee. */
  readonly grantPrincipal: iam.IRole;
}

/**
 * The actions the SSM Agent needs for Session Manager sessions, the narrow alternative to
 * AmazonSSMManagedInstanceCore documented in "Create a custom IAM instance profile for Session
 * Manager" (https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html).
 * None supports resource-level permissions.
 */
export const SESSION_MANAGER_ACTIONS: readonly string[] = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
];

import { Token } from 'aws-cdk-lib';
import { Problem } from '../../validation';

/** The baked boot image: plain values an environment config holds. */
export interface BakedImageSettings {
  /**
   * Instance type the image is built on, on demand, for the build's minutes (the DLAMI boots,
   * the packages install, the serving image is pulled, the AMI is snapshotted).
   * @default - the fleet's first instance type, the hardware the image will run on
   */
  readonly buildInstanceType?: string;
}

/** The rules of {@link BakedImageSettings}, each problem naming its field. */
export function bakedImageSettingsProblems(settings: BakedImageSettings): Problem[] {
  const type = settings.buildInstanceType;
  if (type === undefined || Token.isUnresolved(type) || /^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(type)) return [];
  return [`buildInstanceType ("${type}") must be an EC2 instance type such as "g5.xlarge" or "m6i.large"`];
}

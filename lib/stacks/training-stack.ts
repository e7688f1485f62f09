import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config';

/** Props of {@link TrainingStack}. */
export interface TrainingStackProps extends StackProps {
  /** The environment the stack belongs to. */
  readonly config: EnvironmentConfig;
}

/** GPU training capacity and the SageMaker endpoint of one environment. */
export class TrainingStack extends Stack {
  constructor(scope: Construct, id: string, props: TrainingStackProps) {
    super(scope, id, props);
  }
}

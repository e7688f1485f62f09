import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EnvironmentConfig } from '../config';

/** Props of {@link AiInferenceStack}. */
export interface AiInferenceStackProps extends StackProps {
  /** The environment the stack belongs to. */
  readonly config: EnvironmentConfig;
}

/** The queue-fed GPU inference fleet of one environment. */
export class AiInferenceStack extends Stack {
  constructor(scope: Construct, id: string, props: AiInferenceStackProps) {
    super(scope, id, props);
  }
}

#!/usr/bin/env node
// A CDK app laid out as `cdk init app --language typescript` lays it out, using the installed
// package: test/package/installed-package.test.ts installs the tarball beside it and synthesizes it.
import * as cdk from 'aws-cdk-lib/core';
import { GpuCostChecks } from 'ai-infra';
import { ConsumerStack } from '../lib/consumer-stack';

const app = new cdk.App();
new ConsumerStack(app, 'Consumer');
// The package's GPU cost pack fails the synth on a broken rule, as it does in this repository's app.
cdk.Validations.of(app).addPlugins(new GpuCostChecks(app, {
  maxGpuInstancesPerFleet: 2,
  maxGpuInstancesPerEnvironment: 2,
  allowedInstanceTypes: ['g5.xlarge'],
  requireScaleToZero: true,
}));

#!/usr/bin/env node
import { createAiInfraApp } from '../lib/ai-infra-app';
import { ConfigError } from '../lib/config';

// A wrong -c env= or -c roles=, or a config that breaks a rule, is the user's to fix: its message
// alone, no stack trace, and exit 1. Anything else is a bug and keeps its trace.
try {
  createAiInfraApp();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}

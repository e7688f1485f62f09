#!/usr/bin/env node
import { createAiInfraApp } from '../lib/ai-infra-app';

createAiInfraApp();

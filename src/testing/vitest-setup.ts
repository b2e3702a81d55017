/** Vitest `globalSetup` entry (`minikafka/testing/vitest-setup`): one shared broker per run. */
import { vitestGlobalSetup } from './shared-broker.js';

export default vitestGlobalSetup;

import { modelParitySuite } from './hf-model-parity.js';

modelParitySuite('gemma3');

import { modelParitySuite } from './hf-model-parity.js';

modelParitySuite('llama3');

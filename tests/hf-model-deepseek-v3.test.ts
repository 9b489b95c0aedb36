import { modelParitySuite } from './hf-model-parity.js';

modelParitySuite('deepseek-v3');

import { modelParitySuite } from './hf-model-parity.js';

modelParitySuite('qwen3');

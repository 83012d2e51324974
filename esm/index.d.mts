// Types of the ESM entry point: the same declarations as the CommonJS build.
import { createChatMiddleware } from '../dist/index.js';

export * from '../dist/index.js';
export default createChatMiddleware;

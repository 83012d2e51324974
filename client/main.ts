/** The page's entry point (bundled to main.js, loaded with `defer` so the markup is parsed). */
import { start } from './app';

start(document);

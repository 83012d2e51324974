/** Types for the `express4` alias (express@4, installed for compatibility tests): Express 5's are close enough here. */
declare module 'express4' {
  import express from 'express';
  export = express;
}

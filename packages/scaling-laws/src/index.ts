/** @packageDocumentation Work in progress: see README.md. */
export const VERSION = '0.1.0';

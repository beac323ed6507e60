// `message-center/testing`: the helpers a storage adapter's author tests with, kept out of the
// main entry (an application never needs them). Plain ES modules with no Node built-in, so the
// same import works in Node and in a browser test page.

export { createFaultyStorage } from './storage/faulty.js';
export { runStorageAdapterTests } from './storage/acceptance.js';

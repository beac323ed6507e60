// Entry of dist/vendor/sorted-btree.js: the npm package sorted-btree (CommonJS) as an ES module, so
// that the memory storage imports it by a relative path in Node, in browsers and in bundlers alike.
// (An .mjs importer: esbuild gives the CommonJS module.exports as the default import, as Node does.)
import pkg from 'sorted-btree';

export const BTree = pkg.default;
export const simpleComparator = pkg.simpleComparator;

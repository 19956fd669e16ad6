/**
 * `jitar/client`: the runtime of a page. It imports nothing from Node, so bundlers take it as it is;
 * the jitar/vite plugin starts it for the page's proxies.
 */
export { JitarClient, startClient, useMiddleware, type ClientClass, type ClientOptions } from './jitar-client.js';
export type { FetchFunction } from './fetch-caller.js';
export type { SegmentModule } from '../core/segment-module.js';
export * from '../browser.js';

import { AsyncResource } from 'node:async_hooks';

type Bind = <F extends (...args: any[]) => any>(fn: F, thisArg?: unknown) => F;

/**
 * Fastify wraps the body parsing of every request in `new AsyncResource(...).bind(done)`. On Node 20,
 * bind() also attaches the deprecated `asyncResource` property (DEP0172) through two `util.deprecate`
 * wrappers, each re-prototyped: ~8 µs and a fresh hidden class per call, i.e. 4-6 % of a POST and
 * old-generation garbage. Node has since made that property End-of-Life and bind() no longer adds it
 * (nodejs/node#58618); this gives Node 20 that same bind(): the function run in the resource's async
 * scope, `length` kept, nothing else. Nothing in this service or its dependencies reads the property.
 * A no-op where bind() no longer adds it.
 */
export function useBindWithoutDeprecatedProperty(): void {
  const probe = new AsyncResource('probe').bind(() => undefined);
  if (!Object.prototype.hasOwnProperty.call(probe, 'asyncResource')) return;
  const bind: Bind = function (this: AsyncResource, fn, thisArg) {
    if (typeof fn !== 'function') throw new TypeError('The "fn" argument must be of type function');
    const resource = this;
    const bound =
      thisArg === undefined
        ? function (this: unknown, ...args: unknown[]) {
            return resource.runInAsyncScope(fn, this, ...args);
          }
        : resource.runInAsyncScope.bind(resource, fn, thisArg);
    Object.defineProperty(bound, 'length', { configurable: true, enumerable: false, value: fn.length, writable: false });
    return bound as typeof fn;
  };
  AsyncResource.prototype.bind = bind as AsyncResource['bind'];
}

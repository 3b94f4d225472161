import { AsyncLocalStorage, AsyncResource, executionAsyncId } from 'node:async_hooks';
import { useBindWithoutDeprecatedProperty } from './async-resource-bind';

describe('useBindWithoutDeprecatedProperty', () => {
  beforeAll(() => useBindWithoutDeprecatedProperty());

  it('runs the bound function in the resource’s async scope, with its this, arguments and result', () => {
    const storage = new AsyncLocalStorage<string>();
    const resource = storage.run('inside', () => new AsyncResource('test'));
    const seen: unknown[] = [];
    const bound = resource.bind(function (this: unknown, a: number, b: number) {
      seen.push(storage.getStore(), executionAsyncId() === resource.asyncId(), this, a, b);
      return a + b;
    });
    expect(storage.run('outside', () => bound.call('self', 2, 3))).toBe(5);
    expect(seen).toEqual(['inside', true, 'self', 2, 3]);
    expect(bound.length).toBe(2);
    expect(Object.prototype.hasOwnProperty.call(bound, 'asyncResource')).toBe(false);
  });

  it('binds an explicit this, and AsyncResource.bind (static) goes through it too', () => {
    const self = { name: 'x' };
    // bind(fn, thisArg) is documented Node API; @types/node declares only bind(fn).
    type NameOf = (this: { name: string }) => string;
    const bindWithThis = AsyncResource.prototype.bind as unknown as (this: AsyncResource, fn: NameOf, thisArg: unknown) => NameOf;
    const withThis = bindWithThis.call(
      new AsyncResource('test'),
      function (this: { name: string }) {
        return this.name;
      },
      self,
    );
    expect(withThis.call({ name: 'other' })).toBe('x');
    const viaStatic = AsyncResource.bind((n: number) => n * 2);
    expect(viaStatic(21)).toBe(42);
    expect(Object.prototype.hasOwnProperty.call(viaStatic, 'asyncResource')).toBe(false);
    // (Not toThrow(TypeError): another test file's app may have installed the shim from its own realm.)
    expect(() => new AsyncResource('test').bind(42 as never)).toThrow(/must be of type function/);
  });
});

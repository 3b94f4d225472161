// Unit specs live beside the code (src/**/*.spec.ts); e2e specs boot the real app (test/**/*.e2e-spec.ts).
// Run every test away from UTC so a timestamp stored or compared in local time shows up as a failure.
process.env.TZ = 'Asia/Jakarta';

const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
    },
  ],
};

// content-disposition 3 (under @fastify/static, which serves /docs) ships ESM only: Node 20.19 loads it
// with require(esm), Jest's module runtime does not, so it is compiled to CommonJS for the tests.
transform['^.+/node_modules/content-disposition/.+\\.js$'] = ['@swc/jest', { module: { type: 'commonjs' } }];
const transformIgnorePatterns = ['/node_modules/(?!content-disposition/)'];

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform,
      transformIgnorePatterns,
    },
  ],
};

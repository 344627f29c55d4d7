import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type errors fail a test run, unused code does not (TS6133 and kin: npm run typecheck reports those).
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false, ignoreCodes: [6133, 6138, 6192, 6196, 6198, 6199, 6205] } }],
  },
};

export default config;

/** autocannon ships no type declarations; the bench only uses its promise API through lib.ts. */
declare module 'autocannon' {
  function autocannon(options: Record<string, unknown>): Promise<any>;
  export default autocannon;
}
